package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.ReceiveEvent;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The received WebSocket events the application has not taken yet, and the {@code receive()}
 * stages waiting for one. Bounded by a message count and a byte total: Jakarta WebSocket cannot
 * pause reading, so the owner closes the connection when {@link #hasRoomFor} says no, rather
 * than letting memory grow. Used only on the exchange's loop, so it needs no locking.
 */
final class ReceiveQueue {
    /** An event waiting for {@code receive()}, with the bytes it holds. */
    private record Queued(ReceiveEvent event, long size) {}

    private final ArrayDeque<Queued> events = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<ReceiveEvent>> receivers = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private long bytes;

    ReceiveQueue(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Whether an event of {@code size} bytes may wait without passing the bounds. */
    boolean hasRoomFor(long size) {
        return events.size() < maxMessages && bytes + size <= maxBytes;
    }

    /** Hands {@code event} to the oldest waiting {@code receive()}, or queues it. */
    void offer(ReceiveEvent event, long size) {
        CompletableFuture<ReceiveEvent> waiting = receivers.poll();
        if (waiting != null) {
            waiting.complete(event);
        } else {
            events.add(new Queued(event, size));
            bytes += size;
        }
    }

    /** The oldest queued event, or null when none waits. */
    ReceiveEvent poll() {
        Queued next = events.poll();
        if (next == null) {
            return null;
        }
        bytes -= next.size();
        return next.event();
    }

    /** Parks a {@code receive()} stage until an event is offered. */
    void await(CompletableFuture<ReceiveEvent> receiver) {
        receivers.add(receiver);
    }

    /**
     * The connection is over: once the queued events are taken, every waiting {@code receive()}
     * gets {@code last}. Waiting receivers exist only when nothing is queued, so they get it now.
     */
    void end(ReceiveEvent last) {
        if (events.isEmpty()) {
            for (CompletableFuture<ReceiveEvent> r; (r = receivers.poll()) != null; ) {
                r.complete(last);
            }
        }
    }

    int messages() {
        return events.size();
    }

    long bytes() {
        return bytes;
    }
}
