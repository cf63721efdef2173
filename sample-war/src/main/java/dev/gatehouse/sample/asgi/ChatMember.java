package dev.gatehouse.sample.asgi;

import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketSend;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One chat connection's outbound side: a bounded queue of messages and at most one send in flight.
 *
 * <p>Why a queue of our own: {@code send} queues events behind a send that has not completed, so
 * calling it for every broadcast would let a client that does not read pile up messages without
 * bound. Here the next message is sent only when the previous send's stage has completed (the
 * client took it), and at most {@value #MAX_QUEUED} wait meanwhile. A member whose queue is full
 * is a slow client: its queue is dropped and it is closed with 1008 (policy violation), "too slow"
 * — its messages are not silently skipped, so what a connected client shows is always complete.
 */
final class ChatMember {
    /** Messages that may wait for one client; one more closes it. */
    static final int MAX_QUEUED = 32;

    private final String nick;
    private final Send send;
    private final Deque<SendEvent> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closing;

    ChatMember(String nick, Send send) {
        this.nick = nick;
        this.send = send;
    }

    String nick() {
        return nick;
    }

    /** What became of an offered message. */
    enum Offer {
        QUEUED,
        /** The queue was full: the member is now closing with 1008. */
        TOO_SLOW,
        /** The member was already closing; the message is dropped. */
        CLOSED
    }

    /** Queues a text message, or closes the member with 1008 if {@value #MAX_QUEUED} already wait. */
    Offer offer(String text) {
        Offer result;
        synchronized (this) {
            if (closing) {
                return Offer.CLOSED;
            } else if (queue.size() >= MAX_QUEUED) {
                closeLocked(CloseCodes.POLICY_VIOLATION, "too slow: " + MAX_QUEUED + " messages waiting");
                result = Offer.TOO_SLOW;
            } else {
                queue.add(WebSocketSend.ofText(text));
                result = Offer.QUEUED;
            }
        }
        pump();
        return result;
    }

    /** Drops what is queued and closes the socket with {@code code} after the send in flight. */
    void close(int code, String reason) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closeLocked(code, reason);
        }
        pump();
    }

    private void closeLocked(int code, String reason) {
        closing = true;
        queue.clear();
        queue.add(new WebSocketClose(code, reason));
    }

    /**
     * Sends the next queued event if none is in flight. Never called with the lock held: a send may
     * run the other side's code on this thread. A stage that completes at once calls this again at
     * once, at most {@value #MAX_QUEUED} + 1 deep.
     */
    private void pump() {
        SendEvent next;
        synchronized (this) {
            if (sending || queue.isEmpty()) {
                return;
            }
            next = queue.poll();
            sending = true;
        }
        send.send(next).whenComplete((v, failure) -> {
            synchronized (this) {
                sending = false;
                if (failure != null) { // the client is gone: nothing more can reach it
                    closing = true;
                    queue.clear();
                }
            }
            pump();
        });
    }
}
