package dev.gatehouse.asgi;

/**
 * {@code lifespan.startup} (receive): the server has started; the application sets up and answers
 * {@code lifespan.startup.complete} or {@code .failed}.
 */
public record LifespanStartup() implements LifespanEvent, ReceiveEvent {
    public static final String TYPE = "lifespan.startup";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
