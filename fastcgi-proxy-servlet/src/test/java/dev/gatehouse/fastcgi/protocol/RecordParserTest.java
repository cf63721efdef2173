package dev.gatehouse.fastcgi.protocol;

import static dev.gatehouse.fastcgi.protocol.ByteStream.STDERR;
import static dev.gatehouse.fastcgi.protocol.ByteStream.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What an application sends, parsed: byte-exact vectors and input split every way. */
class RecordParserTest {

    private static ByteBuffer text(String text) {
        return ByteBuffer.wrap(Bytes.ascii(text));
    }

    record Vector(String name, String hex, ServerRecord expected) {}

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector(
                        "STDOUT with padding",
                        "01 06 00 01 00 05 03 00 | 68 65 6C 6C 6F" + "| 00 00 00",
                        new StreamRecord(STDOUT, 1, text("hello"))),
                new Vector("STDOUT end", "01 06 00 01 00 00 00 00", StreamRecord.end(STDOUT, 1)),
                new Vector(
                        "STDERR",
                        "01 07 00 01 00 04 04 00 | 6F 6F 70 73 | 00 00 00 00",
                        new StreamRecord(STDERR, 1, text("oops"))),
                new Vector("STDERR end", "01 07 00 01 00 00 00 00", StreamRecord.end(STDERR, 1)),
                // §5.5 FCGI_EndRequestBody: appStatusB3..B0 protocolStatus reserved[3]
                new Vector(
                        "END_REQUEST complete",
                        "01 03 00 01 00 08 00 00 | 00 00 00 00 00 00 00 00",
                        new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE)),
                new Vector(
                        "END_REQUEST appStatus in big-endian order",
                        "01 03 00 01 00 08 00 00 | 01 02 03 04 00 00 00 00",
                        new EndRequest(1, 0x01020304, ProtocolStatus.REQUEST_COMPLETE)),
                new Vector(
                        "END_REQUEST appStatus 2^32 - 1, unsigned",
                        "01 03 00 01 00 08 00 00 | FF FF FF FF 00 00 00 00",
                        new EndRequest(1, 4294967295L, ProtocolStatus.REQUEST_COMPLETE)),
                new Vector(
                        "END_REQUEST cannot multiplex",
                        "01 03 00 01 00 08 00 00 | 00 00 00 00 01 00 00 00",
                        new EndRequest(1, 0, ProtocolStatus.CANT_MPX_CONN)),
                new Vector(
                        "END_REQUEST overloaded",
                        "01 03 00 01 00 08 00 00 | 00 00 00 00 02 00 00 00",
                        new EndRequest(1, 0, ProtocolStatus.OVERLOADED)),
                new Vector(
                        "END_REQUEST unknown role, reserved bytes ignored",
                        "01 03 00 01 00 08 00 00 | 00 00 00 00 03 FF FF FF",
                        new EndRequest(1, 0, ProtocolStatus.UNKNOWN_ROLE)),
                // §4.2 FCGI_UnknownTypeBody: type reserved[7]
                new Vector("UNKNOWN_TYPE", "01 0B 00 00 00 08 00 00 | 0C 00 00 00 00 00 00 00", new UnknownType(12)),
                new Vector(
                        "GET_VALUES_RESULT",
                        "01 0A 00 00 00 12 06 00 | 0E 02" + Bytes.hex(text("FCGI_MAX_CONNS"))
                                + "31 30 | 00 00 00 00 00 00",
                        new GetValuesResult(Map.of(FastCgi.MAX_CONNS, "10"))),
                new Vector(
                        "GET_VALUES_RESULT without values", "01 0A 00 00 00 00 00 00", new GetValuesResult(Map.of())));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void parsesTheExactBytes(Vector v) throws FastCgiProtocolException {
        byte[] bytes = Bytes.hex(v.hex());
        RecordParser parser = RecordParser.forRequest(1);
        assertEquals(List.of(v.expected()), ParsedEvents.parse(parser, List.of(ByteBuffer.wrap(bytes))), v.name());
        assertTrue(parser.atRecordBoundary());
        assertEquals(bytes.length, parser.bytesConsumed());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void parsesTheExactBytesFedOneByOne(Vector v) throws FastCgiProtocolException {
        List<ServerRecord> records =
                ParsedEvents.parse(RecordParser.forRequest(1), ParsedEvents.bytewise(Bytes.hex(v.hex())));
        assertEquals(List.of(v.expected()), ParsedEvents.coalesce(records), v.name());
    }

    record Exchange(String name, Supplier<RecordParser> parser, byte[] bytes, List<ServerRecord> expected) {}

    static Stream<Exchange> exchanges() {
        byte[] head = Bytes.ascii("Status: 200\r\nContent-Type: text/plain\r\n\r\nhello");
        byte[] end = Bytes.hex("01 03 00 01 00 08 00 00 | 00 00 00 00 00 00 00 00");
        Map<String, String> values = new LinkedHashMap<>();
        values.put(FastCgi.MAX_CONNS, "10");
        values.put(FastCgi.MPXS_CONNS, "0");
        return Stream.of(
                new Exchange(
                        "a Responder's answer",
                        () -> RecordParser.forRequest(1),
                        Bytes.concat(
                                Bytes.record(1, 6, 1, head, RecordHeader.paddingFor(head.length)),
                                Bytes.record(1, 7, 1, Bytes.ascii("warn"), 4),
                                Bytes.record(1, 6, 1, Bytes.ascii(" world"), 2),
                                Bytes.record(RecordType.STDOUT, 1, new byte[0]),
                                Bytes.record(RecordType.STDERR, 1, new byte[0]),
                                end),
                        List.of(
                                new StreamRecord(STDOUT, 1, ByteBuffer.wrap(head)),
                                new StreamRecord(STDERR, 1, text("warn")),
                                new StreamRecord(STDOUT, 1, text(" world")),
                                StreamRecord.end(STDOUT, 1),
                                StreamRecord.end(STDERR, 1),
                                new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE))),
                new Exchange(
                        "255 bytes of padding everywhere",
                        () -> RecordParser.forRequest(1),
                        Bytes.concat(
                                Bytes.record(1, 6, 1, Bytes.ascii("abc"), 255),
                                Bytes.record(1, 6, 1, new byte[0], 255),
                                Bytes.record(1, 3, 1, new byte[8], 255)),
                        List.of(
                                new StreamRecord(STDOUT, 1, text("abc")),
                                StreamRecord.end(STDOUT, 1),
                                new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE))),
                new Exchange(
                        "management answers",
                        () -> RecordParser.forRequests(id -> false),
                        Bytes.concat(
                                Bytes.record(
                                        1,
                                        10,
                                        0,
                                        NameValuePairs.withDefaults()
                                                .encode(List.of(
                                                        new NameValuePair(FastCgi.MAX_CONNS, "10"),
                                                        new NameValuePair(FastCgi.MPXS_CONNS, "0")))
                                                .array(),
                                        3),
                                Bytes.hex("01 0B 00 00 00 08 00 00 | 0C 00 00 00 00 00 00 00")),
                        List.of(new GetValuesResult(values), new UnknownType(12))),
                new Exchange(
                        "two multiplexed requests",
                        () -> RecordParser.forRequests(Set.of(1, 3)::contains),
                        Bytes.concat(
                                Bytes.record(1, 6, 3, Bytes.ascii("three"), 3),
                                Bytes.record(1, 6, 1, Bytes.ascii("one"), 5),
                                Bytes.record(1, 6, 3, new byte[0], 0),
                                Bytes.record(1, 3, 3, new byte[8], 0)),
                        List.of(
                                new StreamRecord(STDOUT, 3, text("three")),
                                new StreamRecord(STDOUT, 1, text("one")),
                                StreamRecord.end(STDOUT, 3),
                                new EndRequest(3, 0, ProtocolStatus.REQUEST_COMPLETE))));
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void inOneBufferEachRecordComesOutWhole(Exchange x) throws FastCgiProtocolException {
        assertEquals(x.expected(), ParsedEvents.parse(x.parser().get(), List.of(ByteBuffer.wrap(x.bytes()))));
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void everySplitInTwoGivesTheSameRecords(Exchange x) throws FastCgiProtocolException {
        for (int cut = 0; cut <= x.bytes().length; cut++) {
            List<ServerRecord> records = ParsedEvents.parse(x.parser().get(), ParsedEvents.split(x.bytes(), cut));
            assertEquals(x.expected(), ParsedEvents.coalesce(records), "cut at " + cut);
        }
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void everySplitInThreeGivesTheSameRecords(Exchange x) throws FastCgiProtocolException {
        for (int first = 0; first <= x.bytes().length; first++) {
            for (int second = first; second <= x.bytes().length; second++) {
                List<ServerRecord> records =
                        ParsedEvents.parse(x.parser().get(), ParsedEvents.split(x.bytes(), first, second));
                assertEquals(x.expected(), ParsedEvents.coalesce(records), "cuts at " + first + " and " + second);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void byteByByteGivesTheSameRecords(Exchange x) throws FastCgiProtocolException {
        List<ServerRecord> records = ParsedEvents.parse(x.parser().get(), ParsedEvents.bytewise(x.bytes()));
        assertEquals(x.expected(), ParsedEvents.coalesce(records));
    }

    @Test
    void stdoutContentComesOutAsItArrivesAsAViewOfTheInput() throws FastCgiProtocolException {
        byte[] bytes = Bytes.record(1, 6, 1, Bytes.ascii("hello"), 3);
        RecordParser parser = RecordParser.forRequest(1);
        ByteBuffer input = ByteBuffer.wrap(bytes, 0, 10);
        StreamRecord first = (StreamRecord) parser.next(input);
        assertEquals(new StreamRecord(STDOUT, 1, text("he")), first, "two of five bytes, without waiting");
        assertTrue(first.content().isReadOnly());
        bytes[9] = 'E';
        assertEquals(new StreamRecord(STDOUT, 1, text("hE")), first, "shares the input's bytes: no copy");
        assertNull(parser.next(input));
        assertEquals(new StreamRecord(STDOUT, 1, text("llo")), parser.next(ByteBuffer.wrap(bytes, 10, 6)));
    }

    @Test
    void returnsOneRecordPerCallAndLeavesTheRestOfTheInput() throws FastCgiProtocolException {
        ByteBuffer input = ByteBuffer.wrap(Bytes.concat(
                Bytes.record(1, 6, 1, Bytes.ascii("hello"), 3), Bytes.record(1, 6, 1, Bytes.ascii("world"), 3)));
        RecordParser parser = RecordParser.forRequest(1);
        assertEquals(new StreamRecord(STDOUT, 1, text("hello")), parser.next(input));
        assertEquals(13, input.position(), "the caller may pause here and resume later");
        assertEquals(new StreamRecord(STDOUT, 1, text("world")), parser.next(input));
        assertNull(parser.next(input));
        assertEquals(32, input.position());
    }

    @Test
    void endRequestComesOutOnlyAfterItsPadding() throws FastCgiProtocolException {
        byte[] bytes = Bytes.record(1, 3, 1, new byte[8], 8);
        RecordParser parser = RecordParser.forRequest(1);
        assertNull(parser.next(ByteBuffer.wrap(bytes, 0, 20)));
        assertEquals(new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE), parser.next(ByteBuffer.wrap(bytes, 20, 4)));
        assertTrue(parser.atRecordBoundary(), "the connection can carry the next request");
    }

    /**
     * The parser hands out only the streams an application sends; those a Web server sends are
     * refused (messages in {@link RecordParserRejectionTest}).
     */
    @ParameterizedTest
    @EnumSource(ByteStream.class)
    void producesOnlyTheStreamsAnApplicationSends(ByteStream stream) throws FastCgiProtocolException {
        RecordParser parser = RecordParser.forRequest(1);
        ByteBuffer input = ByteBuffer.wrap(Bytes.record(stream.recordType(), 1, Bytes.ascii("x")));
        if (stream.sentByClient()) {
            assertThrows(FastCgiProtocolException.class, () -> parser.next(input));
        } else {
            assertEquals(new StreamRecord(stream, 1, text("x")), parser.next(input));
        }
    }

    @Test
    void activeRequestsMayChangeBetweenCalls() throws FastCgiProtocolException {
        Set<Integer> active = new HashSet<>(Set.of(1));
        RecordParser parser = RecordParser.forRequests(active::contains);
        assertEquals(
                StreamRecord.end(STDOUT, 1),
                parser.next(ByteBuffer.wrap(Bytes.record(RecordType.STDOUT, 1, new byte[0]))));
        active.add(2);
        assertEquals(
                StreamRecord.end(STDOUT, 2),
                parser.next(ByteBuffer.wrap(Bytes.record(RecordType.STDOUT, 2, new byte[0]))));
    }

    /** 8 MiB of STDOUT in full records, as php-fpm sends them, and odd-sized ones. */
    private static byte[] largeStdout(byte[] body) {
        List<byte[]> records = new ArrayList<>();
        int[] sizes = {65535, 65535, 1, 8191, 65528, 7};
        for (int offset = 0, i = 0; offset < body.length; i++) {
            int length = Math.min(sizes[i % sizes.length], body.length - offset);
            byte[] content = Arrays.copyOfRange(body, offset, offset + length);
            records.add(Bytes.record(1, 6, 1, content, i % 3 == 0 ? 255 : 1));
            offset += length;
        }
        records.add(Bytes.record(RecordType.STDOUT, 1, new byte[0]));
        records.add(Bytes.record(1, 3, 1, new byte[8], 0));
        return Bytes.concat(records.toArray(byte[][]::new));
    }

    @Test
    void aLargeStdoutStreamInSmallPiecesIsNeverBuffered() throws FastCgiProtocolException {
        byte[] body = Bytes.pattern(8 * 1024 * 1024);
        byte[] wire = largeStdout(body);
        RecordParser parser = RecordParser.forRequest(1);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] pieceSizes = {1, 7, 100, 4093, 65536, 3, 70000};
        int maxBuffered = 0;
        EndRequest end = null;
        for (int offset = 0, i = 0; offset < wire.length; i++) {
            int size = Math.min(pieceSizes[i % pieceSizes.length], wire.length - offset);
            ByteBuffer piece = ByteBuffer.wrap(wire, offset, size);
            for (ServerRecord record; (record = parser.next(piece)) != null; ) {
                maxBuffered = Math.max(maxBuffered, parser.bufferedBytes());
                if (record instanceof StreamRecord stdout && stdout.stream() == STDOUT) {
                    assertTrue(stdout.length() <= size, "a piece never exceeds the input");
                    received.writeBytes(Bytes.array(stdout.content()));
                } else {
                    end = (EndRequest) record;
                }
            }
            maxBuffered = Math.max(maxBuffered, parser.bufferedBytes());
            offset += size;
        }
        parser.endOfInput();
        assertTrue(maxBuffered <= FastCgi.HEADER_LENGTH, "holds at most a partial header, held " + maxBuffered);
        assertEquals(Arrays.hashCode(body), Arrays.hashCode(received.toByteArray()));
        assertEquals(new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE), end);
    }

    @Test
    void aDiscreteRecordIsCollectedUpToItsOwnContentOnly() throws FastCgiProtocolException {
        byte[] content = NameValuePairs.withDefaults()
                .encode(List.of(new NameValuePair("X", "v".repeat(60000))))
                .array();
        byte[] wire = Bytes.record(1, 10, 0, content, 0);
        RecordParser parser = RecordParser.forRequests(id -> false);
        int maxBuffered = 0;
        for (ByteBuffer piece : ParsedEvents.split(wire, 5, 100, 30000, 60000)) {
            parser.next(piece);
            maxBuffered = Math.max(maxBuffered, parser.bufferedBytes());
        }
        assertEquals(60000 - 8, maxBuffered, "what has arrived of this record's content");
        assertTrue(maxBuffered < content.length);
        assertEquals(0, parser.bufferedBytes(), "released once returned");
    }
}
