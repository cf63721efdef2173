package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketReceive;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReceiveQueueTest {

    private static ReceiveEvent text(String s) {
        return WebSocketReceive.ofText(s);
    }

    @Test
    void queuedEventsComeOutInOrderAndFreeTheirBytes() {
        ReceiveQueue queue = new ReceiveQueue(10, 100);
        ReceiveEvent a = text("a");
        ReceiveEvent b = text("b");
        queue.offer(a, 30);
        queue.offer(b, 40);
        assertEquals(2, queue.messages());
        assertEquals(70, queue.bytes());
        assertSame(a, queue.poll());
        assertSame(b, queue.poll());
        assertNull(queue.poll());
        assertEquals(0, queue.bytes());
    }

    @Test
    void aWaitingReceiverGetsTheEventWithoutQueueingIt() {
        ReceiveQueue queue = new ReceiveQueue(10, 100);
        CompletableFuture<ReceiveEvent> first = new CompletableFuture<>();
        CompletableFuture<ReceiveEvent> second = new CompletableFuture<>();
        queue.await(first);
        queue.await(second);
        ReceiveEvent a = text("a");
        queue.offer(a, 50);
        assertSame(a, first.getNow(null));
        assertFalse(second.isDone());
        assertEquals(0, queue.messages());
        assertEquals(0, queue.bytes());
    }

    @Test
    void boundsCountMessagesAndBytes() {
        ReceiveQueue queue = new ReceiveQueue(2, 100);
        assertTrue(queue.hasRoomFor(100));
        assertFalse(queue.hasRoomFor(101));
        queue.offer(text("a"), 60);
        assertTrue(queue.hasRoomFor(40));
        assertFalse(queue.hasRoomFor(41));
        queue.offer(text("b"), 10);
        assertFalse(queue.hasRoomFor(0), "two messages wait: the count bound is reached");
        queue.poll();
        assertTrue(queue.hasRoomFor(90));
    }

    @Test
    void endReleasesWaitingReceiversButNeverAheadOfQueuedEvents() {
        ReceiveQueue queue = new ReceiveQueue(10, 100);
        CompletableFuture<ReceiveEvent> waiting = new CompletableFuture<>();
        queue.await(waiting);
        WebSocketDisconnect gone = new WebSocketDisconnect(1001, "");
        queue.end(gone);
        assertSame(gone, waiting.getNow(null));

        ReceiveQueue busy = new ReceiveQueue(10, 100);
        ReceiveEvent a = text("a");
        busy.offer(a, 1);
        busy.end(gone);
        assertSame(a, busy.poll(), "what was received before the end is still delivered first");
    }
}
