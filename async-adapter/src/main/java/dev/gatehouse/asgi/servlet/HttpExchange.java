package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.AsgiProtocolException;
import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpDisconnect;
import dev.gatehouse.asgi.HttpProtocol;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.metrics.RequestTally;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP request/response cycle between the servlet container and an {@link AsgiApplication}:
 * owns the {@link HttpProtocol} state machine, the {@link RequestReader} and {@link
 * ResponseWriter}, the {@link ContainerSide} (the dispatch, the async context and the ways the
 * request ends), and is the one place where a failure becomes a status or an abort.
 *
 * <p>The application is called inside the container's dispatch ({@code service}), and the request
 * goes async ({@code startAsync}, listeners, timeout) only when it has to: when the dispatch ends
 * with the response unfinished, or when the application reads a request body. An application
 * that answers at once with one final body small enough for the response buffer (the common small
 * answer) has it written into that buffer, which is no I/O, and the container completes the
 * response as it does for any servlet when {@code service} returns: the async machinery, a second
 * dispatch for {@code onWritePossible} and the completion callbacks are then not needed. Larger or
 * streamed bodies, and everything sent after {@code service} returned, take the non-blocking path.
 *
 * <p>The exchange itself moves through {@link State}: it is RUNNING until exactly one of the
 * other states ends it, by a compare-and-set, so that the async context is ended once:
 *
 * <pre>
 * RUNNING --the final body (or trailers) is written--&gt; COMPLETED
 * RUNNING --the application failed, nothing written--&gt; ANSWERED_500
 * RUNNING --the application failed after the head went out--&gt; ABORTED
 * RUNNING --the async timeout expired--&gt; TIMED_OUT (504, or aborted if the head went out)
 * RUNNING --the client went away, or the container ended the request--&gt; LOST
 * </pre>
 *
 * <p>Everything but the timeout runs in the exchange's {@link SerialLoop}, including the
 * application's continuations when a stage completes. Leaving RUNNING in any way but COMPLETED
 * delivers {@code http.disconnect}: waiting receives get it, pending and later sends fail with
 * {@link ClientDisconnectedException}.
 */
final class HttpExchange implements Receive, Send, RequestTrailers, ContainerGuard.Owner {
    private static final System.Logger LOG = SafeLogger.of(HttpExchange.class.getName());
    /** What a send the protocol accepted at once returns: unmodifiable, so it can be shared. */
    static final CompletionStage<Void> SENT = CompletableFuture.completedStage(null);
    /**
     * The most sends and receives done at once inside one call of {@code handle}, and the most
     * stages one thread gets back already complete in a row, before a stage is returned pending.
     *
     * <p>Why: a continuation on a stage that is already complete runs in place, in the frame of
     * the {@code thenCompose} that attached it. An application that loops by recursion ({@code
     * receive().thenCompose(e -> moreBody ? again() : answer)}, as the ASGI spec reads) nests one
     * such frame per event while stages keep completing at once, which a container with the body
     * at hand does for every 64 KiB of a 1 GiB upload: a StackOverflowError. A pending stage
     * instead ends the nesting: the stack unwinds to whoever started it, and the continuation
     * runs later from a fresh frame. Past this bound, which a loop written with {@link
     * dev.gatehouse.asgi.Loops} or an answer of a few events never reaches, that is what the
     * exchange returns.
     */
    static final int MAX_AT_ONCE = 64;
    /**
     * Per thread, outside the loop: how many stages this thread got back from {@code execute}
     * already complete (it drained the loop itself) since its last {@link FreshStackStage}. Not
     * reset by a pending stage, which would cost a lookup on every call: a hop comes sooner, never
     * later, than the bound.
     */
    private static final ThreadLocal<int[]> AT_ONCE = ThreadLocal.withInitial(() -> new int[1]);

    /** The life of the exchange, as opposed to the response's {@link HttpProtocol.State}. */
    enum State {
        RUNNING,
        COMPLETED,
        ANSWERED_500,
        ABORTED,
        TIMED_OUT,
        LOST
    }

    private final HttpProtocol protocol = new HttpProtocol();
    private final SerialLoop loop = new SerialLoop();
    private final ContainerGuard guard = new ContainerGuard(this);
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    /** In the loop: whether {@code application.handle} is running, inside {@link #call}. */
    private boolean calling;
    /** In the loop: how many sends and receives were done at once inside {@code handle}. */
    private int inlineCount;

    private final ContainerSide side;
    /** The request in the servlet's figures, ended with the state's first change from RUNNING. */
    private final RequestTally tally;

    /** For log lines, which may come after the container recycled the request. */
    private final HttpScope scope;

    private RequestReader reader;
    private ResponseWriter writer;

    private HttpExchange(
            HttpServletRequest request,
            HttpServletResponse response,
            RequestTally tally,
            HttpScope scope,
            long asyncTimeoutMillis) {
        this.tally = tally;
        this.side = new ContainerSide(request, response, guard, asyncTimeoutMillis);
        this.scope = scope;
    }

    /**
     * Starts the exchange on the container's thread, inside {@code service}, and calls the
     * application, which must not block (its work continues in stages). Returns when the dispatch
     * may end: with the request async, or with the response written into the container's buffer
     * and nothing left to do with it.
     */
    static void start(
            HttpServletRequest request,
            HttpServletResponse response,
            RequestTally tally,
            AsgiApplication application,
            HttpScope scope,
            long asyncTimeoutMillis,
            int readBufferSize)
            throws IOException {
        HttpExchange exchange = new HttpExchange(request, response, tally, scope, asyncTimeoutMillis);
        exchange.reader = new RequestReader(exchange, exchange.protocol, exchange.guard, request, readBufferSize);
        exchange.writer = new ResponseWriter(exchange, exchange.guard, response, response.getOutputStream());
        if (!exchange.loop.tryEnter()) { // a new exchange's loop is idle: nothing else knows it yet
            throw new IllegalStateException("a new exchange's loop is busy");
        }
        try {
            exchange.call(application, scope);
        } finally {
            // what the application's continuations submitted meanwhile runs first, then the
            // decision; a send from another thread after it finds the request async
            exchange.loop.leaveAfter(exchange::dispatchEnds);
        }
    }

    /**
     * In the loop, at the end of the container's dispatch: a response still being made needs the
     * request async; a finished one needs nothing more, and the guard is closed so that no late
     * use of the request or response (which the container recycles) can happen.
     */
    private void dispatchEnds() {
        if (!side.isAsync() && running()) {
            try {
                side.goAsync(writer);
            } catch (IOException | RuntimeException e) {
                ioFailed(e);
            }
        }
        side.dispatchEnds();
    }

    /** In the loop, during the dispatch: the request goes async (to read a body). */
    void goAsync() throws IOException {
        side.goAsync(writer);
    }

    /** In the loop: whether the request has not gone async and the dispatch still runs. */
    boolean synchronous() {
        return side.synchronous();
    }

    private void call(AsgiApplication application, HttpScope scope) {
        CompletionStage<Void> stage;
        calling = true;
        try {
            stage = application.handle(scope, this, this);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new NullPointerException("handle returned null"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        } finally {
            calling = false;
        }
        CompletableFuture<Void> result = completed(stage);
        if (result != null && loop.runningAlone()) {
            // an application that answered at once: no callback, task and queue node for it
            applicationDone(result.isCompletedExceptionally() ? failureOf(result) : null);
        } else {
            stage.whenComplete((ignored, failure) -> loop.execute(() -> applicationDone(failure)));
        }
    }

    /** The stage as a completed future when it is one that has completed already, else null. */
    private static CompletableFuture<Void> completed(CompletionStage<Void> stage) {
        if (!(stage instanceof CompletableFuture<Void> future)) {
            return null; // another implementation: only its callbacks are known to work
        }
        // a minimal stage (from completedStage and its dependents) answers isDone() only through
        // a future of its own; a plain future is returned as it is
        CompletableFuture<Void> plain = future.toCompletableFuture();
        return plain.isDone() ? plain : null;
    }

    private static Throwable failureOf(CompletableFuture<Void> failed) {
        try {
            failed.join();
            return new IllegalStateException("the stage completed normally");
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    @Override
    public CompletionStage<ReceiveEvent> receive() {
        CompletableFuture<ReceiveEvent> event = new CompletableFuture<>();
        if (inlineAllowed()) {
            inlineCount++;
            reader.receive(event);
            return event;
        }
        loop.execute(() -> reader.receive(event));
        return unnested(event);
    }

    @Override
    public CompletionStage<Void> send(SendEvent event) {
        if (event == null) {
            return CompletableFuture.failedFuture(new NullPointerException("send(null)"));
        }
        if (inlineAllowed()) {
            inlineCount++;
            return acceptNow(event);
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        loop.execute(() -> accept(event, stage));
        return unnested(stage);
    }

    /**
     * Whether a send or receive may be done at once instead of through the loop: when it comes
     * from {@code handle} itself or a continuation run inside it (a stage already complete), on the
     * loop's thread with no other task waiting, and not more than {@link #MAX_AT_ONCE} times.
     * Most responses are sent so, with no task, no future and no hop per event. Past the bound
     * the call goes through the loop, which, busy with {@code handle}, queues it: the stage is
     * returned pending, the application's nested continuations unwind to {@code handle}, and the
     * loop continues them after it, from its drain, where every stage is returned pending.
     */
    private boolean inlineAllowed() {
        return loop.runningAlone() && calling && inlineCount < MAX_AT_ONCE;
    }

    /**
     * {@code stage} after {@link SerialLoop#execute}: pending when another thread drains the loop
     * or the caller is a task of it (then it is returned as it is), complete when the caller found
     * the loop idle and drained it itself, as a thread of the application's own does. Such a
     * thread nests one frame per event if it loops by recursion, so after {@link #MAX_AT_ONCE}
     * complete stages in a row it gets a {@link FreshStackStage}: its continuation runs on a
     * container thread ({@code AsyncContext.start}), from a fresh stack, and the application's
     * stack unwinds. One hop per 64 events, and only for calls from outside the loop.
     */
    private <T> CompletionStage<T> unnested(CompletableFuture<T> stage) {
        if (!stage.isDone()) {
            return stage;
        }
        int[] atOnce = AT_ONCE.get();
        if (++atOnce[0] < MAX_AT_ONCE) {
            return stage;
        }
        atOnce[0] = 0;
        return FreshStackStage.of(stage, this::onContainerThread);
    }

    /**
     * Runs {@code task} on a container thread; once the request has ended (the application's loop
     * then ends with the disconnect), on the common pool, still never in the caller's frame.
     */
    private void onContainerThread(Runnable task) {
        if (!side.start(task)) {
            ForkJoinPool.commonPool().execute(task);
        }
    }

    /** In the loop, inside {@code handle}: {@link #accept} with a stage made only when needed. */
    private CompletionStage<Void> acceptNow(SendEvent event) {
        try {
            protocol.send(event);
        } catch (AsgiProtocolException | ClientDisconnectedException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (event instanceof HttpResponseStart start) {
            writer.start(start);
            return SENT;
        }
        CompletionStage<Void> written = writer.writeBuffered(event);
        if (written != null) {
            return written;
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        writer.enqueue(event, stage);
        return stage;
    }

    @Override
    public List<Header> requestTrailers() {
        return reader.trailers();
    }

    /** In the loop: the protocol decides first; nothing is written for a rejected event. */
    private void accept(SendEvent event, CompletableFuture<Void> stage) {
        try {
            protocol.send(event);
        } catch (AsgiProtocolException | ClientDisconnectedException e) {
            stage.completeExceptionally(e);
            return;
        }
        if (event instanceof HttpResponseStart start) {
            writer.start(start);
            stage.complete(null);
            return;
        }
        CompletionStage<Void> written = writer.writeBuffered(event);
        if (written == null) {
            writer.enqueue(event, stage);
        } else if (written == SENT) {
            stage.complete(null);
        } else {
            written.whenComplete((ignored, failure) -> stage.completeExceptionally(failure));
        }
    }

    SerialLoop loop() {
        return loop;
    }

    boolean running() {
        return state.get() == State.RUNNING;
    }

    /** Request body bytes read. */
    void countIn(int n) {
        if (n > 0) {
            tally.metrics().bytesIn(n);
        }
    }

    /** Response body bytes written. */
    void countOut(int n) {
        if (n > 0) {
            tally.metrics().bytesOut(n);
        }
    }

    /** In the loop: the last byte of the response was handed over; RUNNING → COMPLETED. */
    void responseComplete() {
        if (state.compareAndSet(State.RUNNING, State.COMPLETED)) {
            tally.end(writer.status());
            reader.settle();
            side.complete();
        }
    }

    /**
     * In the loop: a read or write failed, or a listener reported an error; RUNNING → LOST (or a
     * 500 while still in the dispatch with nothing sent).
     */
    void ioFailed(Throwable cause) {
        if (side.inDispatchUncommitted()) {
            // nothing has reached the client yet, so the failure is the bridge's own (the request
            // cannot go async, a write into the buffer failed): a 500, never an empty 200
            fail500(cause, "the exchange failed within the container's dispatch", "the request failed");
            return;
        }
        if (state.compareAndSet(State.RUNNING, State.LOST)) {
            tally.clientAborted();
            LOG.log(Level.DEBUG, "{0}: client gone: {1}", this, cause.toString());
            disconnect();
            side.complete();
        }
    }

    /**
     * On the container's thread, the guard released: the container completed the request, at the
     * exchange's asking (then it no longer runs) or on its own, such as Tomcat's on a client
     * disconnect.
     */
    @Override
    public void completed() {
        lost(null); // no exception built here: this runs once for every normal request
    }

    /** On the container's thread, the guard released: the container reported {@code cause}. */
    @Override
    public void failed(Throwable cause) {
        lost(cause);
    }

    /** The container ended the request: RUNNING → LOST, in the loop. */
    private void lost(Throwable cause) {
        if (running()) {
            loop.execute(
                    () -> ioFailed(cause != null ? cause : new IOException("the container completed the request")));
        }
    }

    /** On the container's thread, the guard released: answer 504 or abort; RUNNING → TIMED_OUT. */
    @Override
    public void timedOut() {
        if (!state.compareAndSet(State.RUNNING, State.TIMED_OUT)) {
            return;
        }
        tally.end(HttpServletResponse.SC_GATEWAY_TIMEOUT);
        LOG.log(
                Level.WARNING,
                "{0}: the application did not finish within asyncTimeout ({1} ms); {2}",
                this,
                side.asyncTimeoutMillis(),
                reader.describe() + "; " + loop.describe());
        try {
            if (side.committed()) {
                side.abortOrComplete(new IOException("asyncTimeout expired after the response started"));
            } else {
                side.answerAndComplete(
                        HttpServletResponse.SC_GATEWAY_TIMEOUT, "the application did not answer in time");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: cannot end the timed-out response: {1}", this, e.toString());
        }
        loop.execute(this::disconnect);
    }

    /** In the loop: the application's stage completed. Failures map to 500 or an abort here. */
    private void applicationDone(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause == null) {
            try {
                protocol.applicationReturned();
                return;
            } catch (AsgiProtocolException e) {
                cause = e;
            }
        }
        if (!running()) {
            LOG.log(
                    Level.DEBUG,
                    "{0}: the application ended after the exchange ({1}): {2}",
                    this,
                    state.get(),
                    cause.toString());
        } else if (!writer.headWritten()) {
            fail500(cause, "the application failed before the response started", "the application failed");
        } else {
            failAfterCommit(cause);
        }
    }

    /**
     * In the loop, nothing committed: RUNNING → ANSWERED_500, {@code why} in the log line and
     * {@code message} in the response.
     */
    private void fail500(Throwable cause, String why, String message) {
        if (!state.compareAndSet(State.RUNNING, State.ANSWERED_500)) {
            return;
        }
        tally.end(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        LOG.log(Level.ERROR, this + ": " + why + "; 500", cause);
        disconnect();
        try {
            side.answer(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, message);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: cannot send the 500: {1}", this, e.toString());
        }
        side.complete();
    }

    private void failAfterCommit(Throwable cause) {
        if (!state.compareAndSet(State.RUNNING, State.ABORTED)) {
            return;
        }
        tally.end(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        LOG.log(
                Level.ERROR,
                this + ": the application failed after the response started;" + " aborting the connection",
                cause);
        disconnect();
        try {
            side.abort(cause);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: cannot abort: {1}", this, e.toString());
        }
    }

    /** Tells the application the exchange is over for it: http.disconnect, sends fail. */
    private void disconnect() {
        protocol.deliver(new HttpDisconnect());
        writer.failAll();
        reader.settle();
    }

    @Override
    public String toString() {
        // made only when a line is written: the path as received, from the immutable scope
        byte[] rawPath = scope.rawPath();
        return scope.method() + " "
                + (rawPath != null ? new String(rawPath, StandardCharsets.ISO_8859_1) : scope.path());
    }
}
