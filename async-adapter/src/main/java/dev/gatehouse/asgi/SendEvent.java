package dev.gatehouse.asgi;

/** An event the application hands to the server through {@link Send#send(SendEvent)}. */
public sealed interface SendEvent extends Event
        permits HttpResponseStart,
                HttpResponseBody,
                HttpResponseTrailers,
                WebSocketAccept,
                WebSocketSend,
                WebSocketClose,
                WebSocketHttpResponseStart,
                WebSocketHttpResponseBody,
                LifespanStartupComplete,
                LifespanStartupFailed,
                LifespanShutdownComplete,
                LifespanShutdownFailed {}
