package dev.gatehouse.asgi;

/** {@code lifespan.shutdown.complete} (send): cleanup finished; the server may exit. */
public record LifespanShutdownComplete() implements LifespanEvent, SendEvent {
    public static final String TYPE = "lifespan.shutdown.complete";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
