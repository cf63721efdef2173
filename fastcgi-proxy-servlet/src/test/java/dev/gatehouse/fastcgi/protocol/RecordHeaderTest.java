package dev.gatehouse.fastcgi.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code FCGI_Header} (FastCGI 1.0 §3.3) and the eight-byte alignment §3.3 recommends. */
class RecordHeaderTest {

    record Alignment(int contentLength, int padding) {}

    static Stream<Alignment> alignments() {
        return Stream.of(
                new Alignment(0, 0),
                new Alignment(1, 7),
                new Alignment(5, 3),
                new Alignment(7, 1),
                new Alignment(8, 0),
                new Alignment(9, 7),
                new Alignment(65527, 1),
                new Alignment(65528, 0),
                new Alignment(65535, 1));
    }

    @ParameterizedTest
    @MethodSource("alignments")
    void padsToAMultipleOfEight(Alignment a) {
        RecordHeader header = RecordHeader.aligned(RecordType.STDIN, 1, a.contentLength());
        assertEquals(a.padding(), header.paddingLength());
        assertEquals(0, header.recordLength() % 8);
        assertEquals(a.padding(), header.padding().remaining());
        assertTrue(header.padding().isReadOnly());
    }

    record Vector(RecordHeader header, String hex) {}

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector(new RecordHeader(RecordType.STDIN, 1, 5, 3), "01 05 00 01 00 05 03 00"),
                new Vector(new RecordHeader(RecordType.GET_VALUES, 0, 0x30, 0), "01 09 00 00 00 30 00 00"),
                new Vector(new RecordHeader(RecordType.STDOUT, 0xFFFF, 0xFFFF, 0xFF), "01 06 FF FF FF FF FF 00"),
                new Vector(new RecordHeader(RecordType.PARAMS, 0x0102, 0x0304, 0x05), "01 04 01 02 03 04 05 00"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void writesTheEightHeaderBytes(Vector v) {
        assertEquals(v.hex(), Bytes.hex(v.header().header()));
        ByteBuffer out = ByteBuffer.allocate(10).position(1);
        v.header().header(out);
        assertEquals(9, out.position(), "written at the position, which advances");
    }

    @Test
    void paddingUpTo255IsSupplied() {
        assertEquals(
                255, new RecordHeader(RecordType.STDOUT, 1, 0, 255).padding().remaining());
    }

    @Test
    void refusesFieldsOutOfRange() {
        assertEquals(
                "requestId must be 0-65535: 65536",
                assertThrows(IllegalArgumentException.class, () -> new RecordHeader(RecordType.STDIN, 65536, 0, 0))
                        .getMessage());
        assertEquals(
                "contentLength must be 0-65535: 65536",
                assertThrows(IllegalArgumentException.class, () -> new RecordHeader(RecordType.STDIN, 1, 65536, 0))
                        .getMessage());
        assertEquals(
                "paddingLength must be 0-255: 256",
                assertThrows(IllegalArgumentException.class, () -> new RecordHeader(RecordType.STDIN, 1, 0, 256))
                        .getMessage());
    }
}
