package dev.gatehouse.asgi;

/** An event the server delivers to the application through {@link Receive#receive()}. */
public sealed interface ReceiveEvent extends Event
        permits HttpRequest,
                HttpDisconnect,
                WebSocketConnect,
                WebSocketReceive,
                WebSocketDisconnect,
                LifespanStartup,
                LifespanShutdown {}
