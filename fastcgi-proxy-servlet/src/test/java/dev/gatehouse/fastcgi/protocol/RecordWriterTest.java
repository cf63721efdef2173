package dev.gatehouse.fastcgi.protocol;

import static dev.gatehouse.fastcgi.protocol.ByteStream.DATA;
import static dev.gatehouse.fastcgi.protocol.ByteStream.STDIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The client's records as bytes: vectors built from the structures of FastCGI 1.0. */
class RecordWriterTest {

    private final RecordWriter writer = new RecordWriter();

    record Vector(String name, ClientRecord record, String hex) {}

    static Stream<Vector> vectors() {
        return Stream.of(
                // §5.1 FCGI_BeginRequestBody: roleB1 roleB0 flags reserved[5]
                new Vector(
                        "BEGIN_REQUEST id 1, Responder, keep-conn",
                        new BeginRequest(1, Role.RESPONDER, true),
                        "01 01 00 01 00 08 00 00 | 00 01 01 00 00 00 00 00"),
                new Vector(
                        "BEGIN_REQUEST id 1, Responder, close",
                        new BeginRequest(1, Role.RESPONDER, false),
                        "01 01 00 01 00 08 00 00 | 00 01 00 00 00 00 00 00"),
                new Vector(
                        "BEGIN_REQUEST id 0x1234, Authorizer, keep-conn",
                        new BeginRequest(0x1234, Role.AUTHORIZER, true),
                        "01 01 12 34 00 08 00 00 | 00 02 01 00 00 00 00 00"),
                new Vector(
                        "BEGIN_REQUEST id 65535, Filter, close",
                        new BeginRequest(65535, Role.FILTER, false),
                        "01 01 FF FF 00 08 00 00 | 00 03 00 00 00 00 00 00"),
                new Vector("ABORT_REQUEST id 1: no content", new AbortRequest(1), "01 02 00 01 00 00 00 00"),
                new Vector(
                        "PARAMS: one record padded to 8, then the empty PARAMS",
                        new Params(1, List.of(new NameValuePair("A", "B"))),
                        "01 04 00 01 00 04 04 00 | 01 01 41 42 | 00 00 00 00" + "| 01 04 00 01 00 00 00 00"),
                new Vector(
                        "PARAMS: content of 8 needs no padding",
                        new Params(2, List.of(new NameValuePair("AB", "CDEF"))),
                        "01 04 00 02 00 08 00 00 | 02 04 41 42 43 44 45 46" + "| 01 04 00 02 00 00 00 00"),
                new Vector(
                        "PARAMS: no pairs is just the empty PARAMS",
                        new Params(1, List.of()),
                        "01 04 00 01 00 00 00 00"),
                new Vector(
                        "STDIN: header, content, padding",
                        new StreamRecord(STDIN, 1, ByteBuffer.wrap(Bytes.ascii("hello"))),
                        "01 05 00 01 00 05 03 00 | 68 65 6C 6C 6F | 00 00 00"),
                new Vector(
                        "STDIN: the empty record ends the stream",
                        StreamRecord.end(STDIN, 1),
                        "01 05 00 01 00 00 00 00"),
                new Vector(
                        "DATA: like STDIN with type 8",
                        new StreamRecord(DATA, 7, ByteBuffer.wrap(Bytes.ascii("12345678"))),
                        "01 08 00 07 00 08 00 00 | 31 32 33 34 35 36 37 38"),
                // §4.1: names with empty values; 16 + 15 + 17 = 48 bytes, aligned
                new Vector(
                        "GET_VALUES for the three standard variables",
                        GetValues.standard(),
                        "01 09 00 00 00 30 00 00 | 0E 00" + ascii("FCGI_MAX_CONNS")
                                + "| 0D 00" + ascii("FCGI_MAX_REQS")
                                + "| 0F 00" + ascii("FCGI_MPXS_CONNS")),
                new Vector(
                        "GET_VALUES padded",
                        new GetValues(List.of("X")),
                        "01 09 00 00 00 03 05 00 | 01 00 58 | 00 00 00 00 00"));
    }

    private static String ascii(String text) {
        return Bytes.hex(ByteBuffer.wrap(Bytes.ascii(text)));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void writesTheExactBytes(Vector v) {
        String expected = Bytes.hex(ByteBuffer.wrap(Bytes.hex(v.hex())));
        assertEquals(expected, Bytes.hex(writer.write(v.record())), v.name());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyRecordIsAlignedToEightBytes(Vector v) {
        assertEquals(0, Bytes.array(writer.write(v.record())).length % 8, v.name());
    }

    @ParameterizedTest
    @EnumSource(
            value = ByteStream.class,
            names = {"STDOUT", "STDERR"})
    void refusesTheStreamsOnlyAnApplicationSends(ByteStream stream) {
        StreamRecord piece = new StreamRecord(stream, 1, ByteBuffer.wrap(Bytes.ascii("x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.write(piece));
        assertEquals(stream + " is sent by an application, never by a Web server (FastCGI 1.0 §5.3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.stream(StreamRecord.end(stream, 1)));
    }

    /** The records in {@code bytes}: header fields checked, contents returned in order. */
    private static List<byte[]> records(byte[] bytes, RecordType type, int requestId) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<byte[]> contents = new ArrayList<>();
        while (in.hasRemaining()) {
            assertEquals(1, in.get(), "version");
            assertEquals(type.code(), in.get(), "type");
            assertEquals(requestId, in.getShort() & 0xFFFF, "request id");
            int length = in.getShort() & 0xFFFF;
            int padding = in.get() & 0xFF;
            assertEquals(0, in.get(), "reserved");
            assertEquals(RecordHeader.paddingFor(length), padding, "padding length");
            assertTrue(length + padding <= 65535, "php-fpm: content + padding <= 65535");
            byte[] content = new byte[length];
            in.get(content);
            byte[] pad = new byte[padding];
            in.get(pad);
            assertArrayEquals(new byte[padding], pad, "padding is zeros");
            contents.add(content);
        }
        return contents;
    }

    record Split(int length, List<Integer> records) {}

    static Stream<Split> stdinSplits() {
        return Stream.of(
                new Split(1, List.of(1)),
                new Split(8, List.of(8)),
                new Split(65527, List.of(65527)),
                new Split(65528, List.of(65528)),
                new Split(65529, List.of(65528, 1)),
                new Split(65535, List.of(65528, 7)),
                new Split(65536, List.of(65528, 8)),
                new Split(131056, List.of(65528, 65528)),
                new Split(131057, List.of(65528, 65528, 1)),
                new Split(200000, List.of(65528, 65528, 65528, 3416)));
    }

    @ParameterizedTest
    @MethodSource("stdinSplits")
    void stdinIsSplitIntoRecordsOfAtMost65528Bytes(Split s) {
        byte[] body = Bytes.pattern(s.length());
        List<byte[]> contents = records(
                Bytes.array(writer.stream(new StreamRecord(STDIN, 3, ByteBuffer.wrap(body)))), RecordType.STDIN, 3);
        assertEquals(s.records(), contents.stream().map(c -> c.length).toList());
        assertArrayEquals(body, Bytes.concat(contents.toArray(byte[][]::new)));
    }

    @Test
    void stdinIsZeroCopyAndLeavesTheContentAlone() {
        byte[] body = Bytes.pattern(70000);
        ByteBuffer source = ByteBuffer.wrap(body).position(1000);
        ByteBuffer[] out = writer.stream(new StreamRecord(STDIN, 1, source));
        assertEquals(1000, source.position());
        // header, 65528 content, header, 3472 content (no padding: 3472 % 8 == 0)
        assertEquals(
                List.of(8, 65528, 8, 3472),
                Stream.of(out).map(ByteBuffer::remaining).toList());
        body[1000] = 42;
        body[69999] = 43;
        assertEquals(42, out[1].get(0), "the slice shares the content's bytes");
        assertEquals(43, out[3].get(3471));
        assertTrue(out[1].isReadOnly());
    }

    record ParamsSplit(String name, List<Integer> pairLengths, List<Integer> records) {}

    static Stream<ParamsSplit> paramsSplits() {
        return Stream.of(
                new ParamsSplit("one pair filling a record", List.of(65528), List.of(65528)),
                new ParamsSplit("one pair a byte too long is split", List.of(65529), List.of(65528, 1)),
                new ParamsSplit("pairs that fill a record exactly", List.of(65000, 528), List.of(65528)),
                new ParamsSplit(
                        "a pair that does not fit starts the next record", List.of(65000, 600), List.of(65000, 600)),
                new ParamsSplit("two halves", List.of(40000, 40000), List.of(40000, 40000)),
                new ParamsSplit("a huge pair between small ones", List.of(100, 70000, 100), List.of(100, 65528, 4572)),
                new ParamsSplit("many small pairs", List.of(30000, 30000, 30000, 30000), List.of(60000, 60000)));
    }

    @ParameterizedTest
    @MethodSource("paramsSplits")
    void paramsRecordsTakeWholePairs(ParamsSplit s) {
        List<byte[]> pairs = s.pairLengths().stream().map(byte[]::new).toList();
        assertEquals(s.records(), RecordWriter.recordLengths(pairs), s.name());
    }

    /** A pair named "N" whose encoding takes {@code n} bytes: n < 131 or n > 133. */
    private static NameValuePair pairOfEncodedLength(int n) {
        int withLongLength = n - 6;
        return new NameValuePair("N", "v".repeat(withLongLength >= 128 ? withLongLength : n - 3));
    }

    @ParameterizedTest
    @MethodSource("paramsSplits")
    void paramsStreamCarriesThePairsAndEnds(ParamsSplit s) throws FastCgiProtocolException {
        NameValuePairs limits = new NameValuePairs(100_000, 1_000_000);
        List<NameValuePair> pairs = s.pairLengths().stream()
                .map(RecordWriterTest::pairOfEncodedLength)
                .toList();
        byte[] bytes = Bytes.array(new RecordWriter(limits).params(new Params(9, pairs)));
        List<byte[]> contents = records(bytes, RecordType.PARAMS, 9);
        assertEquals(0, contents.get(contents.size() - 1).length, "the empty PARAMS ends it");
        assertEquals(
                s.records(),
                contents.subList(0, contents.size() - 1).stream()
                        .map(c -> c.length)
                        .toList(),
                s.name());
        assertEquals(
                pairs,
                limits.decode(ByteBuffer.wrap(Bytes.concat(contents.toArray(byte[][]::new)))),
                "the stream's value is the pairs");
        if (s.pairLengths().stream().allMatch(n -> n <= RecordWriter.MAX_RECORD_CONTENT)) {
            for (byte[] content : contents) {
                limits.decode(ByteBuffer.wrap(content)); // php-fpm decodes each on its own
            }
        }
    }

    @Test
    void paramsOverTheLimitsAreRefused() {
        RecordWriter small = new RecordWriter(new NameValuePairs(16, 64));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> small.params(new Params(1, List.of(new NameValuePair("X", "v".repeat(17))))));
        assertEquals("name-value pair 1 (X): value length 17 exceeds the limit of 16 bytes", e.getMessage());
    }

    @Test
    void getValuesMustFitOneRecord() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 7000; i++) {
            names.add("NAME_" + i);
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> writer.getValues(new GetValues(names)));
        assertEquals("GET_VALUES content of 75890 bytes exceeds one record (65528 bytes)", e.getMessage());
    }

    @Test
    void theLargestRecordIsExactly64KiB() {
        assertEquals(65528, RecordWriter.MAX_RECORD_CONTENT);
        assertEquals(65536, RecordHeader.aligned(RecordType.STDIN, 1, 65528).recordLength());
    }
}
