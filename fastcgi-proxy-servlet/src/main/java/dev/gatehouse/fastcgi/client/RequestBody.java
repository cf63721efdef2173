package dev.gatehouse.fastcgi.client;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The caller's side of the request body (the STDIN stream, FastCGI 1.0 §5.3): at most one
 * write outstanding, nothing written after the end; the end may follow the last write at once,
 * before it completes. Checked on the caller's thread, so that misuse throws where it happens
 * rather than on the transport thread.
 */
final class RequestBody {

    enum State {
        OPEN,
        WRITING,
        ENDED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private volatile boolean everWritten;

    /** OPEN → WRITING, for {@link BackendExchange#write}. */
    void beginWrite() {
        transition(State.OPEN, State.WRITING, "write");
        everWritten = true;
    }

    /** Whether the caller ended the body without ever writing: the request has none. */
    boolean endedEmpty() {
        return state.get() == State.ENDED && !everWritten;
    }

    /** WRITING → OPEN, when a write completes. */
    void writeDone() {
        state.compareAndSet(State.WRITING, State.OPEN);
    }

    /** OPEN/WRITING → ENDED, for {@link BackendExchange#endBody}. */
    void end() {
        if (!state.compareAndSet(State.OPEN, State.ENDED) && !state.compareAndSet(State.WRITING, State.ENDED)) {
            throw new IllegalStateException("request body: endBody is not allowed in state " + state.get());
        }
    }

    private void transition(State from, State to, String call) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("request body: " + call + " is not allowed in "
                    + "state " + state.get()
                    + (state.get() == State.WRITING ? " (wait for the previous write to complete)" : ""));
        }
    }
}
