package dev.gatehouse.fastcgi.protocol;

import static dev.gatehouse.fastcgi.protocol.ByteStream.DATA;
import static dev.gatehouse.fastcgi.protocol.ByteStream.STDERR;
import static dev.gatehouse.fastcgi.protocol.ByteStream.STDIN;
import static dev.gatehouse.fastcgi.protocol.ByteStream.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The record values: what they accept, what they refuse, and that they stay unchanged. */
class RecordsTest {

    record IdCase(String record, IntFunction<FastCgiRecord> create) {}

    static Stream<IdCase> applicationRecords() {
        ByteBuffer empty = ByteBuffer.allocate(0);
        return Stream.of(
                new IdCase("BeginRequest", id -> new BeginRequest(id, Role.RESPONDER, true)),
                new IdCase("AbortRequest", AbortRequest::new),
                new IdCase("Params", id -> new Params(id, List.of())),
                new IdCase("Stdin", id -> new StreamRecord(STDIN, id, empty)),
                new IdCase("Data", id -> new StreamRecord(DATA, id, empty)),
                new IdCase("Stdout", id -> new StreamRecord(STDOUT, id, empty)),
                new IdCase("Stderr", id -> new StreamRecord(STDERR, id, empty)),
                new IdCase("EndRequest", id -> new EndRequest(id, 0, ProtocolStatus.REQUEST_COMPLETE)));
    }

    @ParameterizedTest
    @MethodSource("applicationRecords")
    void applicationRecordsTakeRequestIds1To65535(IdCase c) {
        assertEquals(1, c.create().apply(1).requestId());
        assertEquals(65535, c.create().apply(65535).requestId());
        for (int bad : new int[] {0, -1, 65536}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> c.create().apply(bad));
            assertEquals("request id must be 1-65535: " + bad, e.getMessage());
        }
    }

    @Test
    void managementRecordsHaveTheNullRequestId() {
        assertEquals(0, GetValues.standard().requestId());
        assertEquals(0, new GetValuesResult(Map.of()).requestId());
        assertEquals(0, new UnknownType(12).requestId());
        assertEquals(RecordType.UNKNOWN_TYPE, new UnknownType(12).type());
    }

    @Test
    void streamContentIsAReadOnlyViewThatIgnoresLaterPositionChanges() {
        byte[] bytes = Bytes.ascii("hello");
        ByteBuffer source = ByteBuffer.wrap(bytes);
        source.position(1);
        StreamRecord stdin = new StreamRecord(STDIN, 1, source);
        source.position(5);
        assertEquals("65 6C 6C 6F", Bytes.hex(stdin.content()));
        assertTrue(stdin.content().isReadOnly());
        stdin.content().get();
        assertEquals(4, stdin.length(), "reading a view must not consume the record");
        bytes[1] = 'E';
        assertEquals("45 6C 6C 6F", Bytes.hex(stdin.content()), "zero-copy: bytes are shared");
    }

    @Test
    void anEmptyStreamPieceIsTheEndOfTheStream() {
        assertTrue(StreamRecord.end(STDOUT, 3).isEnd());
        assertTrue(StreamRecord.end(STDERR, 3).isEnd());
        assertTrue(StreamRecord.end(STDIN, 3).isEnd());
        assertTrue(StreamRecord.end(DATA, 3).isEnd());
        assertFalse(new StreamRecord(STDOUT, 3, ByteBuffer.wrap(new byte[1])).isEnd());
        assertEquals(StreamRecord.end(STDOUT, 3), new StreamRecord(STDOUT, 3, ByteBuffer.allocate(0)));
        assertEquals("Stdout[requestId=3, 0 bytes]", StreamRecord.end(STDOUT, 3).toString());
    }

    @Test
    void streamPiecesAreEqualByContent() {
        assertEquals(
                new StreamRecord(STDOUT, 1, ByteBuffer.wrap(Bytes.ascii("ab"))),
                new StreamRecord(STDOUT, 1, ByteBuffer.wrap(Bytes.ascii("xab")).position(1)));
    }

    @Test
    void endRequestTakesAnUnsigned32BitAppStatus() {
        assertEquals(4294967295L, new EndRequest(1, 4294967295L, ProtocolStatus.REQUEST_COMPLETE).appStatus());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new EndRequest(1, 4294967296L, ProtocolStatus.REQUEST_COMPLETE));
        assertEquals("appStatus must be 0-4294967295: 4294967296", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EndRequest(1, -1, ProtocolStatus.REQUEST_COMPLETE));
    }

    @Test
    void unknownTypeTakesOneByte() {
        assertEquals(255, new UnknownType(255).unknownType());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UnknownType(256));
        assertEquals("unknownType must be 0-255: 256", e.getMessage());
    }

    @Test
    void getValuesRefusesRepeatedNames() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new GetValues(List.of("FCGI_MAX_CONNS", "FCGI_MAX_CONNS")));
        assertEquals("GET_VALUES names repeat: [FCGI_MAX_CONNS, FCGI_MAX_CONNS]", e.getMessage());
        assertEquals(
                List.of("FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"),
                GetValues.standard().names());
    }

    @Test
    void getValuesResultKeepsOrderAndIsUnmodifiable() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("FCGI_MPXS_CONNS", "0");
        values.put("FCGI_MAX_CONNS", "10");
        GetValuesResult result = new GetValuesResult(values);
        values.put("FCGI_MAX_REQS", "50");
        assertEquals(
                List.of("FCGI_MPXS_CONNS", "FCGI_MAX_CONNS"),
                List.copyOf(result.values().keySet()));
        assertEquals("10", result.value("FCGI_MAX_CONNS").orElseThrow());
        assertTrue(result.value("FCGI_MAX_REQS").isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> result.values().clear());
    }

    @Test
    void paramsCopiesItsPairs() {
        List<NameValuePair> pairs = new ArrayList<>(List.of(new NameValuePair("A", "1")));
        Params params = new Params(1, pairs);
        pairs.add(new NameValuePair("B", "2"));
        assertEquals(List.of(new NameValuePair("A", "1")), params.pairs());
    }

    @Test
    void aNameValuePairHasANonEmptyName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NameValuePair("", "x"));
        assertEquals("name-value pair with an empty name", e.getMessage());
        assertEquals("", new NameValuePair("QUERY_STRING", "").value());
    }
}
