package dev.gatehouse.asgi;

import java.util.Objects;

/**
 * {@code lifespan.shutdown.failed} (send): cleanup failed; the server logs {@code message}.
 *
 * @param message why, for the server's log; may be empty
 */
public record LifespanShutdownFailed(String message) implements LifespanEvent, SendEvent {
    public static final String TYPE = "lifespan.shutdown.failed";

    public LifespanShutdownFailed {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
