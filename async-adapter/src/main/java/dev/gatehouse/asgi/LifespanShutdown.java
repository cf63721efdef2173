package dev.gatehouse.asgi;

/**
 * {@code lifespan.shutdown} (receive): the server is stopping; the application cleans up and
 * answers {@code lifespan.shutdown.complete} or {@code .failed}.
 */
public record LifespanShutdown() implements LifespanEvent, ReceiveEvent {
    public static final String TYPE = "lifespan.shutdown";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
