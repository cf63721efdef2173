package dev.gatehouse.asgi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code websocket.http.response.body} (send, WebSocket Denial Response extension): a chunk of the
 * denial response's body; {@code more_body=false} ends the response and closes the connection.
 */
public record WebSocketHttpResponseBody(byte[] body, boolean moreBody) implements WebSocketEvent, SendEvent {
    public static final String TYPE = "websocket.http.response.body";

    public WebSocketHttpResponseBody {
        body = Bytes.copy(body, "body");
    }

    /** The final (or only) chunk. */
    public WebSocketHttpResponseBody(byte[] body) {
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
        return o instanceof WebSocketHttpResponseBody r && moreBody == r.moreBody && Arrays.equals(body, r.body);
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
