package dev.gatehouse.asgi;

import java.util.List;

/**
 * {@code websocket.http.response.start} (send, WebSocket Denial Response extension): refuse the
 * handshake with this HTTP response instead of a bare 403. Only before {@code websocket.accept};
 * followed by {@link WebSocketHttpResponseBody} events, after which the connection is closed.
 *
 * @param status 100–599 except 101 (to switch protocols, send {@code websocket.accept})
 */
public record WebSocketHttpResponseStart(int status, List<Header> headers) implements WebSocketEvent, SendEvent {
    public static final String TYPE = "websocket.http.response.start";

    public WebSocketHttpResponseStart {
        HttpResponseStart.checkStatus(status);
        if (status == 101) {
            throw new IllegalArgumentException("a denial response cannot be 101; send websocket.accept");
        }
        headers = List.copyOf(headers);
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
