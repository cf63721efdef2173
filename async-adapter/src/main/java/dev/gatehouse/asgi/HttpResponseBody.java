package dev.gatehouse.asgi;

import java.io.IOException;
import java.io.OutputStream;
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

    /** The body's length in bytes, without copying it. */
    public int bodyLength() {
        return body.length;
    }

    /**
     * Writes the body to {@code out} without copying it: what a bridge does with it. The stream
     * gets the event's own array, as {@code ByteArrayInputStream.transferTo} hands over its
     * buffer, so it must only read it (a servlet container's output stream does; a non-blocking
     * one may keep reading it after {@code write} returns, which is safe because no one ever
     * changes it).
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(body);
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
