package dev.gatehouse.fastcgi.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test vectors: hex strings in, hex strings out, and raw records built field by field. */
final class Bytes {

    private Bytes() {}

    /** The bytes of a hex string, whitespace and '|' ignored: "01 06 | 00 01". */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** The remaining bytes of the buffers as upper-case hex pairs separated by spaces. */
    static String hex(ByteBuffer... buffers) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(array(buffers));
    }

    /** The remaining bytes of the buffers, without moving their positions. */
    static byte[] array(ByteBuffer... buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer buffer : buffers) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code count} bytes of a repeating, position-dependent pattern. */
    static byte[] pattern(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    /**
     * A record as an application would send it, every header field given as is (FastCGI 1.0
     * §3.3), followed by {@code padding} zero bytes: valid or not, as the test needs.
     */
    static byte[] record(int version, int type, int requestId, byte[] content, int padding) {
        ByteBuffer out = ByteBuffer.allocate(8 + content.length + padding);
        out.put((byte) version)
                .put((byte) type)
                .putShort((short) requestId)
                .putShort((short) content.length)
                .put((byte) padding)
                .put((byte) 0)
                .put(content);
        return out.array();
    }

    /** A version-1 record of {@code type} for {@code requestId}, without padding. */
    static byte[] record(RecordType type, int requestId, byte[] content) {
        return record(FastCgi.VERSION_1, type.code(), requestId, content, 0);
    }
}
