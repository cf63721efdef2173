package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.WebSocketClose;
import dev.gatehouse.asgi.WebSocketSend;
import dev.gatehouse.servlet.SafeLogger;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The send side of one WebSocket connection: the application's accepted {@code websocket.send}
 * and {@code websocket.close} events, written to the session's asynchronous remote one at a time,
 * in order. A send's stage completes when the container has taken the frame (its {@code
 * SendHandler} was called): that is the backpressure. Nothing is written before {@link #open},
 * and nothing after {@link #end}. Confined to the connection's {@link SerialLoop}.
 */
final class WebSocketOutbound {
    private static final System.Logger LOG = SafeLogger.of(WebSocketOutbound.class.getName());

    private final SerialLoop loop;
    private final String name;
    private final ArrayDeque<WebSocketExchange.Pending> queue = new ArrayDeque<>();
    private Session session;
    private boolean ended;
    private boolean sending;
    private boolean closeSent;

    private final AsgiMetrics metrics;

    WebSocketOutbound(SerialLoop loop, String name, AsgiMetrics metrics) {
        this.loop = loop;
        this.name = name;
        this.metrics = metrics;
    }

    /** Queues an accepted event; it is written once the socket is open and the sends before it are done. */
    void add(WebSocketExchange.Pending pending) {
        queue.add(pending);
        pump();
    }

    /** The socket is open: what queued meanwhile goes out now. */
    void open(Session opened) {
        session = opened;
        pump();
    }

    /** Whether a close frame has been sent (received messages are then ignored). */
    boolean closeSent() {
        return closeSent;
    }

    /** A normal end: a 1000 close after the pending sends. */
    void closeAfterPending() {
        add(new WebSocketExchange.Pending(new WebSocketClose(), new CompletableFuture<>()));
    }

    /** Drops queued sends and closes as soon as the send in progress (if any) is done. */
    void closeNow(int code, String reason) {
        failQueued(new ClientDisconnectedException(WebSocketSend.TYPE));
        add(new WebSocketExchange.Pending(new WebSocketClose(code, reason), new CompletableFuture<>()));
    }

    /** The connection is gone: every queued send fails with {@code gone}; nothing is written again. */
    void end(ClientDisconnectedException gone) {
        ended = true;
        failQueued(gone);
    }

    private void failQueued(ClientDisconnectedException gone) {
        for (WebSocketExchange.Pending p; (p = queue.poll()) != null; ) {
            p.stage().completeExceptionally(gone);
        }
    }

    private void pump() {
        while (!sending && !ended && session != null && !queue.isEmpty()) {
            WebSocketExchange.Pending next = queue.poll();
            if (next.event() instanceof WebSocketSend message) {
                sending = true;
                metrics.messagesOut.increment();
                SendHandler handler = result -> loop.execute(() -> sent(next, result));
                try {
                    if (message.isText()) {
                        session.getAsyncRemote().sendText(message.text(), handler);
                    } else {
                        session.getAsyncRemote().sendBinary(ByteBuffer.wrap(message.bytes()), handler);
                    }
                } catch (RuntimeException e) {
                    sending = false;
                    next.stage().completeExceptionally(e);
                }
            } else if (next.event() instanceof WebSocketClose close) {
                if (!closeSent) {
                    closeSent = true;
                    closeQuietly(session, close.code(), close.reason(), name);
                }
                next.stage().complete(null);
            }
        }
    }

    private void sent(WebSocketExchange.Pending sent, SendResult result) {
        sending = false;
        if (result.isOK()) {
            sent.stage().complete(null);
        } else {
            LOG.log(Level.DEBUG, "{0}: a send failed: {1}", name, String.valueOf(result.getException()));
            ClientDisconnectedException gone = new ClientDisconnectedException(WebSocketSend.TYPE);
            gone.initCause(result.getException());
            sent.stage().completeExceptionally(gone);
        }
        pump();
    }

    /** Closes {@code session} with {@code code}, logging (not throwing) a failure. */
    static void closeQuietly(Session session, int code, String reason, String name) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: close failed: {1}", name, e.toString());
        }
    }
}
