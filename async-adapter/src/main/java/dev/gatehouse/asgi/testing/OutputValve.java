package dev.gatehouse.asgi.testing;

import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.SendEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The communicator's simulated backpressure: while closed, send stages are held (in order) instead
 * of completing. Guarded by the communicator's lock; the stages it hands back are completed by the
 * caller after releasing that lock, so application continuations never run under it.
 */
final class OutputValve {
    private record Held(SendEvent event, CompletableFuture<Void> stage) {}

    private final Deque<Held> held = new ArrayDeque<>();
    private boolean closed;

    void close() {
        closed = true;
    }

    /** The stage for an accepted send: complete now, or held while the valve is closed. */
    CompletableFuture<Void> stageFor(SendEvent event) {
        if (!closed) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        held.add(new Held(event, stage));
        return stage;
    }

    int heldCount() {
        return held.size();
    }

    /** Opens the valve; the returned action completes the held stages in order. */
    Runnable open() {
        closed = false;
        List<Held> released = drain();
        return () -> released.forEach(h -> h.stage().complete(null));
    }

    /** The client is gone; the returned action fails the held stages as a real server would. */
    Runnable failHeld() {
        List<Held> failed = drain();
        return () -> failed.forEach(h -> h.stage()
                .completeExceptionally(new ClientDisconnectedException(h.event().asgiType())));
    }

    private List<Held> drain() {
        List<Held> drained = new ArrayList<>(held);
        held.clear();
        return drained;
    }
}
