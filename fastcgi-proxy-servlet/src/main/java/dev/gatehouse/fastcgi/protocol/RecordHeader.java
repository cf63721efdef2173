package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The fixed eight-byte start of every record, {@code FCGI_Header} (FastCGI 1.0 §3.3):
 * {@code version}, {@code type}, {@code requestIdB1}, {@code requestIdB0},
 * {@code contentLengthB1}, {@code contentLengthB0}, {@code paddingLength}, {@code reserved}.
 * The version is always {@link FastCgi#VERSION_1}.
 *
 * <p>{@link #aligned} pads records to the eight-byte boundaries §3.3 recommends. With
 * {@link #header(ByteBuffer)} and {@link #padding()} a caller can send a record whose content
 * stays where it is, as a gathering write of header, content and padding.
 *
 * @param type the record type
 * @param requestId 0 for management records, else 1–65535
 * @param contentLength 0–65535
 * @param paddingLength 0–255
 */
public record RecordHeader(RecordType type, int requestId, int contentLength, int paddingLength) {

    private static final ByteBuffer ZEROS =
            ByteBuffer.allocate(FastCgi.MAX_PADDING_LENGTH).asReadOnlyBuffer();

    public RecordHeader {
        Objects.requireNonNull(type, "type");
        check("requestId", requestId, FastCgi.MAX_REQUEST_ID);
        check("contentLength", contentLength, FastCgi.MAX_CONTENT_LENGTH);
        check("paddingLength", paddingLength, FastCgi.MAX_PADDING_LENGTH);
    }

    private static void check(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be 0-" + max + ": " + value);
        }
    }

    /**
     * The header of a record of {@code contentLength} bytes padded to a multiple of eight
     * ({@link #paddingFor}).
     */
    public static RecordHeader aligned(RecordType type, int requestId, int contentLength) {
        return new RecordHeader(type, requestId, contentLength, paddingFor(contentLength));
    }

    /** The padding that makes header, content and padding a multiple of eight bytes: 0–7. */
    public static int paddingFor(int contentLength) {
        return -contentLength & (FastCgi.ALIGNMENT - 1);
    }

    /** The record's length on the wire: header, content and padding. */
    public int recordLength() {
        return FastCgi.HEADER_LENGTH + contentLength + paddingLength;
    }

    /**
     * Puts the eight header bytes into {@code out} at its position, advancing it.
     *
     * @return {@code out}
     * @throws java.nio.BufferOverflowException if fewer than eight bytes remain
     */
    public ByteBuffer header(ByteBuffer out) {
        return out.put((byte) FastCgi.VERSION_1)
                .put((byte) type.code())
                .putShort((short) requestId)
                .putShort((short) contentLength)
                .put((byte) paddingLength)
                .put((byte) 0);
    }

    /** The eight header bytes in a new buffer, ready to be written. */
    public ByteBuffer header() {
        return header(ByteBuffer.allocate(FastCgi.HEADER_LENGTH)).flip();
    }

    /** The padding bytes (zeros) to send after the content: a shared read-only buffer. */
    public ByteBuffer padding() {
        return ZEROS.slice(0, paddingLength);
    }
}
