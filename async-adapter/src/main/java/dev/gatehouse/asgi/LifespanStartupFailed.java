package dev.gatehouse.asgi;

import java.util.Objects;

/**
 * {@code lifespan.startup.failed} (send): startup failed; the server logs {@code message} and
 * exits.
 *
 * @param message why, for the server's log; may be empty
 */
public record LifespanStartupFailed(String message) implements LifespanEvent, SendEvent {
    public static final String TYPE = "lifespan.startup.failed";

    public LifespanStartupFailed {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
