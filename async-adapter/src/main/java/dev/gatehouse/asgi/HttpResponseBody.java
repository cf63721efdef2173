package dev.gatehouse.asgi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code http.response.body} (send): a chunk of the response body, appended to earlier chunks.
 * {@code more_body=false} ends the body (and the response, unless trailers were announced).
 */
public record HttpResponseBody(byte[] body, boolean moreBody) implements HttpEvent, SendEvent {
    public static final String TYPE = "http.response.body";

    public HttpResponseBody {
        body = Bytes.copy(body, "body");
    }

    /** The final (or only) chunk. */
    public HttpResponseBody(byte[] body) {
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

    /** The body as a read-only view, without copying: what a bridge writes to the client. */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponseBody r && moreBody == r.moreBody && Arrays.equals(body, r.body);
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
