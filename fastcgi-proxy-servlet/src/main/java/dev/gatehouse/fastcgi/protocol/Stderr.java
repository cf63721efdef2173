package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;

/**
 * A piece of the {@code FCGI_STDERR} byte stream (FastCGI 1.0 §5.3): the application's error
 * output. An empty content ends the stream; see {@link StreamRecord} for how pieces relate to
 * records.
 *
 * @param requestId the request, 1–65535
 * @param content the bytes, shared with the given buffer from its position to its limit; the
 *     record keeps a read-only view and does not move the given buffer's position
 */
public record Stderr(int requestId, ByteBuffer content) implements ServerRecord, StreamRecord {

    public Stderr {
        FastCgi.requireApplicationRequestId(requestId);
        content = Content.view(content);
    }

    /** The empty piece that ends request {@code requestId}'s stream. */
    public static Stderr end(int requestId) {
        return new Stderr(requestId, Content.EMPTY);
    }

    @Override
    public RecordType type() {
        return RecordType.STDERR;
    }

    @Override
    public ByteBuffer content() {
        return content.duplicate();
    }

    @Override
    public String toString() {
        return Content.describe("Stderr", requestId, content);
    }
}
