package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;

/**
 * A piece of the {@code FCGI_DATA} byte stream (FastCGI 1.0 §5.3): the Filter role's data file
 * sent to the application (§6.4). An empty content ends the stream; see {@link StreamRecord} for
 * how pieces relate to records.
 *
 * @param requestId the request, 1–65535
 * @param content the bytes, shared with the given buffer from its position to its limit; the
 *     record keeps a read-only view and does not move the given buffer's position
 */
public record Data(int requestId, ByteBuffer content) implements ClientRecord, StreamRecord {

    public Data {
        FastCgi.requireApplicationRequestId(requestId);
        content = Content.view(content);
    }

    /** The empty piece that ends request {@code requestId}'s stream. */
    public static Data end(int requestId) {
        return new Data(requestId, Content.EMPTY);
    }

    @Override
    public RecordType type() {
        return RecordType.DATA;
    }

    @Override
    public ByteBuffer content() {
        return content.duplicate();
    }

    @Override
    public String toString() {
        return Content.describe("Data", requestId, content);
    }
}
