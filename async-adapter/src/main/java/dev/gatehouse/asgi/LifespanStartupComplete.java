package dev.gatehouse.asgi;

/**
 * {@code lifespan.startup.complete} (send): startup succeeded; the server starts serving requests.
 */
public record LifespanStartupComplete() implements LifespanEvent, SendEvent {
    public static final String TYPE = "lifespan.startup.complete";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
