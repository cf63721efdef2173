package dev.gatehouse.asgi;

import java.util.Optional;

/**
 * The lifespan state machine (ASGI Lifespan spec 2.0):
 *
 * <pre>
 * WAITING --lifespan.startup--&gt; STARTING --lifespan.startup.complete--&gt; STARTED
 *                                 STARTING --lifespan.startup.failed--&gt; STARTUP_FAILED
 * STARTED --lifespan.shutdown--&gt; STOPPING --lifespan.shutdown.complete--&gt; STOPPED
 *                                 STOPPING --lifespan.shutdown.failed--&gt; SHUTDOWN_FAILED
 * </pre>
 *
 * <p>The application answers each phase exactly once and only after it was told; the server sends
 * {@code lifespan.shutdown} only after a successful startup. There is no client, so there is no
 * disconnect.
 */
public final class LifespanProtocol implements ExchangeProtocol {

    /** The phases of the lifespan. */
    public enum State {
        WAITING,
        STARTING,
        STARTED,
        STARTUP_FAILED,
        STOPPING,
        STOPPED,
        SHUTDOWN_FAILED
    }

    private State state = State.WAITING;

    public synchronized State state() {
        return state;
    }

    @Override
    public synchronized String stateName() {
        return state.name();
    }

    @Override
    public synchronized void send(SendEvent event) {
        if (event instanceof LifespanStartupComplete || event instanceof LifespanStartupFailed) {
            if (state == State.WAITING) {
                throw reject(event, "lifespan.startup has not been received");
            } else if (state != State.STARTING) {
                throw reject(event, "lifespan.startup was already answered");
            }
            state = event instanceof LifespanStartupComplete ? State.STARTED : State.STARTUP_FAILED;
        } else if (event instanceof LifespanShutdownComplete || event instanceof LifespanShutdownFailed) {
            if (state.compareTo(State.STOPPING) < 0) {
                throw reject(event, "lifespan.shutdown has not been received");
            } else if (state != State.STOPPING) {
                throw reject(event, "lifespan.shutdown was already answered");
            }
            state = event instanceof LifespanShutdownComplete ? State.STOPPED : State.SHUTDOWN_FAILED;
        } else {
            throw reject(event, "not a lifespan send event");
        }
    }

    @Override
    public synchronized void deliver(ReceiveEvent event) {
        if (event instanceof LifespanStartup) {
            if (state != State.WAITING) {
                throw reject(event, "lifespan.startup was already delivered");
            }
            state = State.STARTING;
        } else if (event instanceof LifespanShutdown) {
            if (state != State.STARTED) {
                throw reject(event, "lifespan.shutdown only follows lifespan.startup.complete");
            }
            state = State.STOPPING;
        } else {
            throw reject(event, "not a lifespan receive event");
        }
    }

    @Override
    public Optional<ReceiveEvent> finalEvent() {
        return Optional.empty();
    }

    @Override
    public synchronized void applicationReturned() {
        if (state == State.STARTING || state == State.STOPPING) {
            throw new AsgiProtocolException(
                    AsgiProtocolException.APPLICATION_RETURN,
                    state,
                    (state == State.STARTING ? "lifespan.startup" : "lifespan.shutdown") + " was never answered");
        }
    }

    private AsgiProtocolException reject(Event event, String rule) {
        return new AsgiProtocolException(event.asgiType(), state, rule);
    }
}
