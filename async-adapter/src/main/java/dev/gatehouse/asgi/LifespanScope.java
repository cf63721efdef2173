package dev.gatehouse.asgi;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code lifespan} scope (ASGI Lifespan spec 2.0): one per application instance, from server
 * start to server stop.
 *
 * <p>{@code state} is the one mutable thing in the contract, as in the spec: the application fills
 * it while handling {@code lifespan.startup}; the server then gives every {@code http} and {@code
 * websocket} scope a shallow, unmodifiable copy ({@code Map.copyOf(state)}), taken per connection.
 * It is concurrent because startup code may run on any thread.
 *
 * @param state the shared namespace; starts empty
 */
public record LifespanScope(ConcurrentMap<String, Object> state) implements Scope {
    public static final String TYPE = "lifespan";
    public static final String SPEC_VERSION = "2.0";

    public LifespanScope {
        Objects.requireNonNull(state, "state");
    }

    /** A scope with a new, empty state. */
    public LifespanScope() {
        this(new ConcurrentHashMap<>());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String specVersion() {
        return SPEC_VERSION;
    }
}
