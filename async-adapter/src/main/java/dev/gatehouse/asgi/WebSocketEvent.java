package dev.gatehouse.asgi;

/**
 * The events of a {@link WebSocketScope} (ASGI WebSocket spec; the {@code
 * websocket.http.response.*} pair from the WebSocket Denial Response extension).
 */
public sealed interface WebSocketEvent extends Event
        permits WebSocketConnect,
                WebSocketAccept,
                WebSocketReceive,
                WebSocketSend,
                WebSocketDisconnect,
                WebSocketClose,
                WebSocketHttpResponseStart,
                WebSocketHttpResponseBody {}
