package dev.gatehouse.asgi;

import java.io.IOException;

/**
 * The ASGI "Disconnected Client - send exception" (HTTP and WebSocket spec 2.4): {@link Send#send}
 * was called after the client went away. It is an {@link IOException}, the Java counterpart of the
 * spec's "server-specific subclass of OSError". Applications may catch it to clean up; servers
 * must not log it as an error.
 */
public final class ClientDisconnectedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String eventType;

    public ClientDisconnectedException(String eventType) {
        super(eventType + " after the client disconnected");
        this.eventType = eventType;
    }

    /** The ASGI type of the event that could not be sent. */
    public String eventType() {
        return eventType;
    }
}
