package dev.gatehouse.asgi.testing;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.AsgiProtocolException;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.CloseCodes;
import dev.gatehouse.asgi.ExchangeProtocol;
import dev.gatehouse.asgi.HttpDisconnect;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Scope;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.asgi.WebSocketDisconnect;
import dev.gatehouse.asgi.WebSocketScope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one application scope against in-memory queues, playing the server: the test feeds events
 * with {@link #sendInput} and reads what the application sent with {@link #receiveOutput} (after
 * asgiref's {@code ApplicationCommunicator}).
 *
 * <p>Every send and every input goes through the scope's {@link ExchangeProtocol}, the same state
 * machine the servlet bridge uses, so misuse fails here exactly as in production: the send stage
 * fails with {@link AsgiProtocolException} or {@link ClientDisconnectedException}.
 *
 * <p>Send stages complete at once unless output is paused ({@link #pauseOutput()}), which models a
 * client that does not read: events still arrive in the output queue (written to the buffer) but
 * their stages stay incomplete until {@link #resumeOutput()}. {@link #disconnect()} models the
 * client going away. Stages are completed outside the communicator's lock, on the thread that
 * caused the completion (often the test thread), so application continuations run there.
 */
public final class ApplicationCommunicator {
    private final Scope scope;
    private final ExchangeProtocol protocol;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<ReceiveEvent> input = new ArrayDeque<>();
    private final Deque<CompletableFuture<ReceiveEvent>> waitingReceives = new ArrayDeque<>();
    private final Deque<SendEvent> output = new ArrayDeque<>();
    private final OutputValve valve = new OutputValve();
    private int outputsTaken;
    private SendEvent lastTaken;
    private boolean applicationDone;
    private Throwable applicationFailure;

    private ApplicationCommunicator(Scope scope) {
        this.scope = scope;
        this.protocol = ExchangeProtocol.forScope(scope);
    }

    /** Calls {@code application.handle(scope, receive, send)} on this thread and returns at once. */
    public static ApplicationCommunicator start(AsgiApplication application, Scope scope) {
        ApplicationCommunicator communicator = new ApplicationCommunicator(scope);
        CompletionStage<Void> stage;
        try {
            stage = application.handle(scope, communicator::receive, communicator::send);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new NullPointerException("handle returned null"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ignored, failure) -> communicator.applicationCompleted(failure));
        return communicator;
    }

    public Scope scope() {
        return scope;
    }

    /** The name of the protocol state machine's current state, e.g. {@code "STREAMING"}. */
    public String protocolState() {
        return protocol.stateName();
    }

    /**
     * Delivers {@code event} to the application: to a pending {@code receive()} or into the queue.
     *
     * @throws AsgiProtocolException if a server could not produce this event now
     */
    public void sendInput(ReceiveEvent event) {
        CompletableFuture<ReceiveEvent> receiver = null;
        List<CompletableFuture<ReceiveEvent>> finalReceivers;
        Runnable failHeld = () -> {};
        lock.lock();
        try {
            protocol.deliver(event);
            if (!waitingReceives.isEmpty()) {
                receiver = waitingReceives.poll();
            } else {
                input.add(event);
            }
            finalReceivers = takeFinalReceivers();
            if (event instanceof HttpDisconnect || event instanceof WebSocketDisconnect) {
                failHeld = valve.failHeld();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (receiver != null) {
            receiver.complete(event);
        }
        completeFinal(finalReceivers);
        failHeld.run();
    }

    /**
     * The client goes away: {@code http.disconnect}, or {@code websocket.disconnect} with 1006
     * (abnormal closure). Receives then return that event forever, sends fail with {@link
     * ClientDisconnectedException}, and send stages held by {@link #pauseOutput()} fail with it too.
     */
    public void disconnect() {
        if (scope instanceof HttpScope) {
            sendInput(new HttpDisconnect());
        } else if (scope instanceof WebSocketScope) {
            sendInput(new WebSocketDisconnect(CloseCodes.ABNORMAL_CLOSURE));
        } else {
            throw new IllegalStateException("a lifespan scope has no client to disconnect");
        }
    }

    /** From now on, send stages stay incomplete: the client is not reading. */
    public void pauseOutput() {
        lock.lock();
        try {
            valve.close();
        } finally {
            lock.unlock();
        }
    }

    /** Completes the held send stages, in order, and stops holding new ones. */
    public void resumeOutput() {
        Runnable release;
        lock.lock();
        try {
            release = valve.open();
        } finally {
            lock.unlock();
        }
        release.run();
    }

    /**
     * The next event the application sent, waiting up to {@code timeout} for it.
     *
     * @throws TimeoutException naming the event it waited after and what the application is doing
     * @throws ApplicationFailedException if the application failed and sent nothing more
     * @throws NoSuchElementException if the application completed and sent nothing more
     */
    public SendEvent receiveOutput(Duration timeout) throws TimeoutException, InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (output.isEmpty()) {
                if (applicationDone) {
                    if (applicationFailure != null) {
                        throw new ApplicationFailedException(applicationFailure);
                    }
                    throw new NoSuchElementException("the application completed; no output after " + describeLast());
                }
                if (remaining <= 0) {
                    throw new TimeoutException("no output within " + timeout + ": waited for the send after "
                            + describeLast() + "; " + describeApplication());
                }
                remaining = changed.awaitNanos(remaining);
            }
            lastTaken = output.poll();
            outputsTaken++;
            return lastTaken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits {@code timeout} and answers whether the application sent nothing in that time (or
     * before it, untaken). Takes nothing from the output queue.
     */
    public boolean receiveNothing(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (output.isEmpty() && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return output.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the application's stage to complete.
     *
     * @throws ApplicationFailedException if it failed, or returned leaving the exchange incomplete
     * @throws TimeoutException if it is still running after {@code timeout}
     */
    public void waitFor(Duration timeout) throws TimeoutException, InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!applicationDone) {
                if (remaining <= 0) {
                    throw new TimeoutException(
                            "the application did not complete within " + timeout + "; " + describeApplication());
                }
                remaining = changed.awaitNanos(remaining);
            }
            if (applicationFailure != null) {
                throw new ApplicationFailedException(applicationFailure);
            }
        } finally {
            lock.unlock();
        }
    }

    private CompletionStage<ReceiveEvent> receive() {
        lock.lock();
        try {
            if (!input.isEmpty()) {
                return CompletableFuture.completedFuture(input.poll());
            }
            if (protocol.finalEvent().isPresent()) {
                return CompletableFuture.completedFuture(protocol.finalEvent().get());
            }
            CompletableFuture<ReceiveEvent> pending = new CompletableFuture<>();
            waitingReceives.add(pending);
            changed.signalAll();
            return pending;
        } finally {
            lock.unlock();
        }
    }

    private CompletionStage<Void> send(SendEvent event) {
        if (event == null) {
            return CompletableFuture.failedFuture(new NullPointerException("send(null)"));
        }
        CompletableFuture<Void> stage;
        List<CompletableFuture<ReceiveEvent>> finalReceivers;
        lock.lock();
        try {
            protocol.send(event);
            output.add(event);
            stage = valve.stageFor(event);
            finalReceivers = takeFinalReceivers();
            changed.signalAll();
        } catch (AsgiProtocolException | ClientDisconnectedException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
        completeFinal(finalReceivers);
        return stage;
    }

    /** Under the lock: once no more input will come, every waiting receive gets the final event. */
    private List<CompletableFuture<ReceiveEvent>> takeFinalReceivers() {
        if (protocol.finalEvent().isEmpty() || waitingReceives.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<ReceiveEvent>> receivers = new ArrayList<>(waitingReceives);
        waitingReceives.clear();
        return receivers;
    }

    private void completeFinal(List<CompletableFuture<ReceiveEvent>> receivers) {
        if (!receivers.isEmpty()) {
            ReceiveEvent finalEvent = protocol.finalEvent().orElseThrow();
            receivers.forEach(receiver -> receiver.complete(finalEvent));
        }
    }

    private void applicationCompleted(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause == null) {
            try {
                protocol.applicationReturned();
            } catch (AsgiProtocolException e) {
                cause = e;
            }
        }
        lock.lock();
        try {
            applicationDone = true;
            applicationFailure = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private String describeLast() {
        return lastTaken == null
                ? "nothing (no output taken yet)"
                : lastTaken.asgiType() + " (output #" + outputsTaken + ")";
    }

    private String describeApplication() {
        return "protocol state " + protocol.stateName()
                + (waitingReceives.isEmpty() ? "" : ", the application is waiting in receive()")
                + (valve.heldCount() == 0 ? "" : ", " + valve.heldCount() + " send(s) held by pause")
                + (applicationDone ? ", the application has completed" : "");
    }
}
