package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.AsgiProtocolException;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.asgi.WebSocketConnect;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketProtocol;
import dev.gatehouse.asgi.WebSocketReceive;
import dev.gatehouse.asgi.WebSocketScope;
import dev.gatehouse.asgi.WebSocketSend;
import dev.gatehouse.servlet.SafeLogger;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection between the container's Jakarta WebSocket session and an {@link
 * AsgiApplication}: owns the {@link WebSocketProtocol} state machine, the queue of received
 * messages ({@link ReceiveQueue}) and the sends ({@link WebSocketOutbound}).
 *
 * <p>The connection moves through {@link Phase}, always in its {@link SerialLoop}:
 *
 * <pre>
 * HANDSHAKE --accept, once the container upgraded--&gt; OPENING --onOpen--&gt; OPEN
 * HANDSHAKE --close or denial response sent, timeout, application ended--&gt; ENDED
 * OPENING, OPEN --onClose (client, server or network)--&gt; ENDED
 * </pre>
 *
 * <p>In HANDSHAKE the application's answers go to {@link #nextHandshakeStep}, which the
 * container's thread waits on ({@link WebSocketUpgrade}); after that, sends go to the session's
 * asynchronous remote, one at a time: a {@code websocket.send} stage completes when the container
 * has taken the frame (its {@code SendHandler} was called), which is the backpressure.
 *
 * <p>Received messages queue until the application calls {@code receive()}, up to {@link
 * #MAX_QUEUED_MESSAGES} messages and {@code 4 × maxMessageSize} bytes: Jakarta WebSocket cannot
 * pause reading, so a client that outruns the application is closed with 1008 instead of growing
 * the queue.
 */
final class WebSocketExchange implements Receive, Send, MessageAssembler.Sink {
    private static final System.Logger LOG = SafeLogger.of(WebSocketExchange.class.getName());

    static final int MAX_QUEUED_MESSAGES = 256;

    enum Phase {
        HANDSHAKE,
        OPENING,
        OPEN,
        ENDED
    }

    /** An event the application sent, with its stage. */
    record Pending(SendEvent event, CompletableFuture<Void> stage) {}

    /** The application's stage ended; {@code failure} is null when it completed normally. */
    record ApplicationEnded(Throwable failure) {}

    private final WebSocketProtocol protocol;
    private final SerialLoop loop = new SerialLoop();
    private final int maxMessageSize;
    private final String name;
    /** Pending events and ApplicationEnded, for the container's thread while in HANDSHAKE. */
    private final BlockingQueue<Object> handshake = new LinkedBlockingQueue<>();

    // everything below only in the loop
    private Phase phase = Phase.HANDSHAKE;
    private final ReceiveQueue inbound;
    private final WebSocketOutbound outbound;
    private ApplicationEnded ended;

    /** The servlet's figures: sessions open, messages each way. */
    final AsgiMetrics metrics;

    WebSocketExchange(WebSocketScope scope, int maxMessageSize, String name, AsgiMetrics metrics) {
        this.metrics = metrics;
        this.protocol = new WebSocketProtocol(scope.subprotocols());
        this.maxMessageSize = maxMessageSize;
        this.inbound = new ReceiveQueue(MAX_QUEUED_MESSAGES, 4L * maxMessageSize);
        this.name = name;
        this.outbound = new WebSocketOutbound(loop, name, metrics);
    }

    /** On the container's thread: queues {@code websocket.connect} and calls the application. */
    void start(AsgiApplication application, WebSocketScope scope) {
        loop.execute(() -> {
            deliver(new WebSocketConnect(), 0);
            CompletionStage<Void> stage;
            try {
                stage = application.handle(scope, this, this);
                if (stage == null) {
                    stage = CompletableFuture.failedFuture(new NullPointerException("handle returned null"));
                }
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((ignored, failure) -> loop.execute(() -> applicationDone(failure)));
        });
    }

    @Override
    public CompletionStage<ReceiveEvent> receive() {
        CompletableFuture<ReceiveEvent> event = new CompletableFuture<>();
        loop.execute(() -> {
            ReceiveEvent next = inbound.poll();
            if (next != null) {
                event.complete(next);
                return;
            }
            Optional<ReceiveEvent> last = protocol.finalEvent();
            if (last.isPresent()) {
                event.complete(last.get());
            } else {
                inbound.await(event);
            }
        });
        return event;
    }

    @Override
    public CompletionStage<Void> send(SendEvent event) {
        if (event == null) {
            return CompletableFuture.failedFuture(new NullPointerException("send(null)"));
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        loop.execute(() -> accept(event, stage));
        return stage;
    }

    /** In the loop: the protocol decides first; nothing reaches the client for a rejected event. */
    private void accept(SendEvent event, CompletableFuture<Void> stage) {
        try {
            protocol.send(event);
        } catch (AsgiProtocolException | ClientDisconnectedException e) {
            stage.completeExceptionally(e);
            return;
        }
        if (phase == Phase.HANDSHAKE) {
            handshake.add(new Pending(event, stage));
        } else {
            outbound.add(new Pending(event, stage));
        }
    }

    // ---- the handshake, driven by the container's thread in WebSocketUpgrade ----

    /**
     * On the container's thread: the application's next answer to the handshake, a {@link Pending}
     * or an {@link ApplicationEnded}; null when none came within {@code timeoutNanos}.
     */
    Object nextHandshakeStep(long timeoutNanos) throws InterruptedException {
        return handshake.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** The handshake step was carried out: completes its stage, in the loop. */
    void stepDone(Pending step) {
        loop.execute(() -> step.stage().complete(null));
    }

    /** The container accepted the upgrade: later sends go to the session once it opens. */
    void upgraded(Pending accept) {
        loop.execute(() -> {
            leaveHandshake();
            accept.stage().complete(null);
            afterApplication();
        });
    }

    /**
     * The handshake ended without a socket (refused, denied, timed out, failed): the application
     * gets {@code websocket.disconnect} with 1006, as no close frame was ever exchanged.
     */
    void handshakeEnded(Pending step, Throwable failure) {
        loop.execute(() -> {
            if (step != null) {
                if (failure == null) {
                    step.stage().complete(null);
                } else {
                    step.stage().completeExceptionally(failure);
                }
            }
            disconnected(CloseCodes.ABNORMAL_CLOSURE, "");
        });
    }

    /** Whether the protocol waits for the rest of a denial response (for the application's end). */
    boolean denialUnfinished() {
        return protocol.state() == WebSocketProtocol.State.RESPONDING;
    }

    private void leaveHandshake() {
        if (phase != Phase.HANDSHAKE) {
            return;
        }
        phase = Phase.OPENING;
        // sends the application made after accept, before the container's thread had upgraded
        for (Object step; (step = handshake.poll()) != null; ) {
            if (step instanceof Pending pending) {
                outbound.add(pending);
            }
        }
    }

    // ---- the open socket, driven by AsgiEndpoint ----

    void opened(Session session) {
        loop.execute(() -> {
            if (phase == Phase.ENDED) {
                WebSocketOutbound.closeQuietly(session, CloseCodes.GOING_AWAY, "", name);
                return;
            }
            leaveHandshake();
            phase = Phase.OPEN;
            outbound.open(session);
        });
    }

    /** From the container's reading thread: a complete message. */
    @Override
    public void received(WebSocketReceive message, long size) {
        loop.execute(() -> {
            if (phase == Phase.ENDED || outbound.closeSent()) {
                return;
            }
            if (!inbound.hasRoomFor(size)) {
                LOG.log(
                        Level.WARNING,
                        "{0}: the application is not receiving; {1} messages ({2} bytes) wait; closing with 1008",
                        name,
                        inbound.messages(),
                        inbound.bytes());
                outbound.closeNow(CloseCodes.POLICY_VIOLATION, "receive queue full");
                return;
            }
            metrics.messagesIn.increment();
            deliver(message, size);
        });
    }

    /** From the container's reading thread: a message exceeded maxMessageSize. */
    @Override
    public void messageTooBig() {
        loop.execute(() -> {
            LOG.log(Level.INFO, "{0}: a message exceeded {1} bytes; closing with 1009", name, maxMessageSize);
            outbound.closeNow(CloseCodes.MESSAGE_TOO_BIG, "message too big");
        });
    }

    /** onClose: the client's code, 1005, or 1006 when the connection dropped. */
    void closed(int code, String reason) {
        loop.execute(() -> disconnected(CloseCodes.isReportable(code) ? code : CloseCodes.ABNORMAL_CLOSURE, reason));
    }

    // ---- in the loop ----

    private void deliver(ReceiveEvent event, long size) {
        protocol.deliver(event);
        inbound.offer(event, size);
    }

    private void disconnected(int code, String reason) {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        WebSocketDisconnect disconnect = new WebSocketDisconnect(code, truncate(reason));
        protocol.deliver(disconnect);
        ClientDisconnectedException gone = new ClientDisconnectedException(WebSocketSend.TYPE);
        outbound.end(gone);
        for (Object step; (step = handshake.poll()) != null; ) {
            if (step instanceof Pending p) {
                p.stage().completeExceptionally(gone);
            }
        }
        inbound.end(disconnect);
    }

    private void applicationDone(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ended = new ApplicationEnded(cause);
        if (phase == Phase.HANDSHAKE) {
            handshake.add(ended);
        } else {
            afterApplication();
        }
    }

    /**
     * Once the socket is accepted and the application has ended: a failure closes with 1011
     * (pending sends are dropped), a normal end with 1000 after the pending sends.
     */
    private void afterApplication() {
        if (ended == null || phase == Phase.HANDSHAKE) {
            return;
        }
        if (ended.failure() != null) {
            if (phase == Phase.ENDED) {
                LOG.log(Level.DEBUG, "{0}: the application failed after the socket closed: {1}", name, ended.failure());
                return;
            }
            LOG.log(Level.ERROR, name + ": the application failed; closing the socket with 1011", ended.failure());
            outbound.closeNow(CloseCodes.INTERNAL_ERROR, "application failed");
        } else if (protocol.state() == WebSocketProtocol.State.ACCEPTED) {
            outbound.closeAfterPending();
        }
    }

    private static String truncate(String reason) {
        return reason == null ? "" : reason;
    }

    @Override
    public String toString() {
        return name;
    }
}
