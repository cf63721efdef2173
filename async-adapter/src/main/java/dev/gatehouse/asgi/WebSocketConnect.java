package dev.gatehouse.asgi;

/**
 * {@code websocket.connect} (receive): the client asks to open the socket. The application answers
 * with {@link WebSocketAccept}, {@link WebSocketClose} (the server then refuses with 403) or a
 * denial response ({@link WebSocketHttpResponseStart}).
 */
public record WebSocketConnect() implements WebSocketEvent, ReceiveEvent {
    public static final String TYPE = "websocket.connect";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
