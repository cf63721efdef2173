package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;

/**
 * A piece of the {@code FCGI_STDIN} byte stream (FastCGI 1.0 §5.3): the request body sent to the
 * application. An empty content ends the stream; see {@link StreamRecord} for how pieces relate to
 * records.
 *
 * @param requestId the request, 1–65535
 * @param content the bytes, shared with the given buffer from its position to its limit; the
 *     record keeps a read-only view and does not move the given buffer's position
 */
public record Stdin(int requestId, ByteBuffer content) implements ClientRecord, StreamRecord {

    public Stdin {
        FastCgi.requireApplicationRequestId(requestId);
        content = Content.view(content);
    }

    /** The empty piece that ends request {@code requestId}'s stream. */
    public static Stdin end(int requestId) {
        return new Stdin(requestId, Content.EMPTY);
    }

    @Override
    public RecordType type() {
        return RecordType.STDIN;
    }

    @Override
    public ByteBuffer content() {
        return content.duplicate();
    }

    @Override
    public String toString() {
        return Content.describe("Stdin", requestId, content);
    }
}
