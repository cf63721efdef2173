package dev.gatehouse.asgi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code http.request} (receive): a chunk of the request body. {@code more_body=true} means more
 * chunks follow; the last chunk has {@code more_body=false}. A request without a body is one event
 * with an empty body.
 */
public record HttpRequest(byte[] body, boolean moreBody) implements HttpEvent, ReceiveEvent {
    public static final String TYPE = "http.request";

    public HttpRequest {
        body = Bytes.copy(body, "body");
    }

    /** The final (or only) chunk. */
    public HttpRequest(byte[] body) {
        this(body, false);
    }

    @Override
    public String asgiType() {
        return TYPE;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as a read-only view, without copying. */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRequest r && moreBody == r.moreBody && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(body) + Boolean.hashCode(moreBody);
    }

    @Override
    public String toString() {
        return TYPE + "{body=" + Bytes.render(body) + ", more_body=" + moreBody + "}";
    }
}
