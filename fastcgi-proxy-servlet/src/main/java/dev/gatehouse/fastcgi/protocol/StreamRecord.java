package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A piece of one of a request's byte streams (FastCGI 1.0 §5.3): STDIN or DATA sent to the
 * application, STDOUT or STDERR sent by it; {@link #stream()} says which. A stream's value is
 * the concatenation of its pieces' content, "independent of how many records it contains or how
 * its bytes are divided" (§3.3); an empty piece ends the stream. A piece is not necessarily a
 * whole record: {@link RecordParser} hands out content as it arrives, and {@link RecordWriter}
 * splits large pieces into several records.
 *
 * <p>The one type serves both directions, so it is both a {@link ClientRecord} and a
 * {@link ServerRecord}; the direction is checked where records cross the wire instead:
 * {@link RecordWriter} refuses the application's streams and {@link RecordParser} produces
 * nothing else (see {@link ByteStream#sentByClient()}).
 *
 * @param stream which of the four byte streams
 * @param requestId the request, 1–65535
 * @param content the bytes, shared with the given buffer from its position to its limit; the
 *     record keeps a read-only view and does not move the given buffer's position
 */
public record StreamRecord(ByteStream stream, int requestId, ByteBuffer content) implements ClientRecord, ServerRecord {

    public StreamRecord {
        Objects.requireNonNull(stream, "stream");
        FastCgi.requireApplicationRequestId(requestId);
        content = Content.view(content);
    }

    /** The empty piece that ends request {@code requestId}'s {@code stream}. */
    public static StreamRecord end(ByteStream stream, int requestId) {
        return new StreamRecord(stream, requestId, Content.EMPTY);
    }

    @Override
    public RecordType type() {
        return stream.recordType();
    }

    /** A read-only view of the content, positioned at its first byte; each call a fresh view. */
    @Override
    public ByteBuffer content() {
        return content.duplicate();
    }

    /** Whether this is the empty record that ends the stream (§3.3). */
    public boolean isEnd() {
        return !content.hasRemaining();
    }

    /** The number of content bytes. */
    public int length() {
        return content.remaining();
    }

    /** The stream, request id and content length, not the bytes: e.g. {@code Stdout[requestId=3, 0 bytes]}. */
    @Override
    public String toString() {
        return Content.describe(stream.displayName(), requestId, content);
    }
}
