package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.AbortRequest;
import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One request/response cycle with a FastCGI application (FastCGI 1.0 §5, Responder or
 * Authorizer role): the handle the caller drives, and the one object that owns the cycle's state
 * ({@link BackendExchangeState}). Obtained from {@link FastCgiClient#exchange}.
 *
 * <p><b>Flow control in both directions.</b> The request body goes out with {@link #write}, one
 * chunk at a time: the returned stage completes when the chunk is on the wire, and only then may
 * the next be written, so a fast client cannot make the proxy buffer without bound. The
 * response comes to the {@link ResponseListener}, which pauses reading by returning false from
 * {@code onStdout} and resumes with {@link #demand()}, so a slow client holds memory flat.
 *
 * <p><b>Threading.</b> The public methods may be called from any thread; they post their work to
 * the client's transport thread and return at once. Listener callbacks and the completion of the
 * returned stages run on the transport thread (use the {@code ...Async} variants of
 * {@link CompletionStage} to leave it).
 */
public final class BackendExchange {

    private static final System.Logger LOG = SafeLogger.of(BackendExchange.class.getName());

    /** Each connection carries one request at a time (no multiplexing), always with this id. */
    static final int REQUEST_ID = 1;

    private final EventLoop loop;
    private final Dispatcher dispatcher;
    private final RecordWriter writer;
    /** BEGIN_REQUEST and the PARAMS stream, read-only; duplicated for each (re)send. */
    private final ByteBuffer[] head;

    private final ListenerCalls calls;
    private final RequestBody body = new RequestBody();
    private final StdinStream stdin;

    private volatile BackendExchangeState state = BackendExchangeState.PENDING;
    private volatile Backend backend;
    /** The pool it went out on; transport thread only. */
    private BackendPool pool;

    private volatile long receivedBytes;
    private volatile long responseBytes;

    // confined to the transport thread
    private final Attempts attempts = new Attempts();
    private Connection connection;
    private boolean abortSent;
    private CompletableFuture<Void> aborted;

    BackendExchange(
            EventLoop loop, Dispatcher dispatcher, RecordWriter writer, ByteBuffer[] head, ResponseListener listener) {
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.writer = writer;
        this.head = head;
        this.calls = new ListenerCalls(this, listener, () -> startAbort(new CompletableFuture<>()));
        this.stdin = new StdinStream(writer, REQUEST_ID);
    }

    // ---- the caller's API ----------------------------------------------------------------

    /**
     * Sends a chunk of the request body as STDIN records. {@code chunk}'s bytes from its position
     * to its limit are sent without copying: leave them unchanged until the stage completes (its
     * position is not moved). One write at a time; an empty chunk completes at once. If the
     * exchange ends first, the stage completes normally and the bytes are dropped: the outcome
     * is reported to the listener only.
     *
     * @throws IllegalStateException if a write is outstanding or the body was ended
     */
    public CompletionStage<Void> write(ByteBuffer chunk) {
        ByteBuffer bytes = chunk.slice().asReadOnlyBuffer();
        body.beginWrite();
        CompletableFuture<Void> written = new CompletableFuture<>();
        CompletableFuture<Void> caller = written.whenComplete((ok, error) -> body.writeDone());
        if (!bytes.hasRemaining()) {
            written.complete(null);
        } else {
            loop.execute(() -> offerChunk(bytes, written));
        }
        return caller;
    }

    /**
     * Ends the request body (the empty STDIN record). Call it once, right after the last write
     * (it need not have completed: the end goes out after it); a request without a body calls
     * it at once. Ending early matters: an application may answer as soon as it has the body,
     * and a connection is reused only if the end was sent (or no body at all).
     *
     * @throws IllegalStateException if the body was already ended
     */
    public void endBody() {
        body.end();
        loop.execute(this::offerEnd);
    }

    /** Resumes reading the response after {@code onStdout} returned false; else does nothing. */
    public void demand() {
        loop.execute(() -> {
            if (connection != null && state == BackendExchangeState.STREAMING) {
                connection.resume();
            }
        });
    }

    /**
     * Aborts the exchange, e.g. because the HTTP client went away. Before a connection was
     * assigned nothing was sent and the exchange simply ends; otherwise ABORT_REQUEST
     * (§5.4) is sent, the rest of the response discarded, and the connection closed once
     * END_REQUEST arrives or the read timeout passes: it is never reused, because an
     * application such as php-fpm may leave the ABORT_REQUEST unread until the next request.
     * The listener hears nothing more.
     *
     * @return completes when the exchange no longer holds a connection
     */
    public CompletionStage<Void> abort() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> startAbort(done));
        return done;
    }

    /** The current state, as last set by the transport thread. */
    public BackendExchangeState state() {
        return state;
    }

    /** The backend of the current or last connection attempt, if any. */
    public Optional<Backend> backend() {
        return Optional.ofNullable(backend);
    }

    /** The bytes read from the backend's connection for this exchange, records and padding. */
    public long receivedBytes() {
        return receivedBytes;
    }

    /** The STDOUT content bytes delivered to the listener so far. */
    public long responseBytes() {
        return responseBytes;
    }

    // ---- transitions, on the transport thread ---------------------------------------------

    private void to(BackendExchangeState next, String event, BackendExchangeState... from) {
        if (Arrays.asList(from).contains(state)) {
            state = next;
            return;
        }
        throw new IllegalStateException("exchange: " + event + " is not allowed in state " + state);
    }

    /** PENDING/CONNECTING → QUEUED. */
    void queued(long now) {
        to(BackendExchangeState.QUEUED, "queued", BackendExchangeState.PENDING, BackendExchangeState.CONNECTING);
        attempts.queued(now);
    }

    /** PENDING/QUEUED/CONNECTING → CONNECTING: a connection to {@code pool} is being opened. */
    void connecting(BackendPool pool) {
        to(
                BackendExchangeState.CONNECTING,
                "connecting",
                BackendExchangeState.PENDING,
                BackendExchangeState.QUEUED,
                BackendExchangeState.CONNECTING);
        backend = pool.backend();
        connection = null;
    }

    /** The connection being opened for this exchange, to abandon it on abort. */
    void opening(Connection opened) {
        connection = opened;
    }

    /** PENDING/QUEUED/CONNECTING → STREAMING: the request goes out on {@code assigned}. */
    void attach(Connection assigned, BackendPool pool) {
        to(
                BackendExchangeState.STREAMING,
                "attach",
                BackendExchangeState.PENDING,
                BackendExchangeState.QUEUED,
                BackendExchangeState.CONNECTING);
        backend = pool.backend();
        this.pool = pool;
        pool.requestSent();
        connection = assigned;
        ByteBuffer[] request = new ByteBuffer[head.length];
        for (int i = 0; i < head.length; i++) {
            request[i] = head[i].duplicate();
        }
        assigned.send(request, null);
        stdin.attached(assigned, body.endedEmpty()); // BEGIN_REQUEST, PARAMS, STDIN: one write
        assigned.flush();
    }

    /** STREAMING → COMPLETED or FAILED; ABORTING → ABORTED: END_REQUEST arrived (§5.5). */
    void ended(EndRequest end) {
        connection = null;
        if (state == BackendExchangeState.ABORTING) {
            finishAbort();
            return;
        }
        switch (end.protocolStatus()) {
            case REQUEST_COMPLETE -> {
                to(BackendExchangeState.COMPLETED, "END_REQUEST", BackendExchangeState.STREAMING);
                stdin.release();
                calls.complete(end);
            }
            case OVERLOADED, CANT_MPX_CONN -> overloaded(new BackendOverloadedException(
                    "backend " + backend + " rejected the request: " + end.protocolStatus(), null, responseBytes));
            case UNKNOWN_ROLE -> fail(new BackendFailureException(
                    "backend " + backend + " does not play the requested role (UNKNOWN_ROLE)", null, responseBytes));
        }
    }

    private void overloaded(BackendOverloadedException failure) {
        if (pool != null) {
            pool.overloaded();
        }
        fail(failure);
    }

    /** Any state before the end → FAILED, telling the listener once. */
    void fail(FastCgiClientException failure) {
        connection = null;
        if (state == BackendExchangeState.ABORTING) {
            finishAbort();
            return;
        }
        to(
                BackendExchangeState.FAILED,
                "fail",
                BackendExchangeState.PENDING,
                BackendExchangeState.QUEUED,
                BackendExchangeState.CONNECTING,
                BackendExchangeState.STREAMING);
        stdin.release();
        LOG.log(Level.DEBUG, () -> "exchange failed: " + failure.getMessage());
        calls.failure(failure);
    }

    /** CONNECTING/STREAMING → PENDING: the connection failed before anything was committed. */
    void retry() {
        to(BackendExchangeState.PENDING, "retry", BackendExchangeState.CONNECTING, BackendExchangeState.STREAMING);
        connection = null;
    }

    private void startAbort(CompletableFuture<Void> done) {
        switch (state) {
            case PENDING, QUEUED, CONNECTING -> {
                dispatcher.abandon(this, connection);
                connection = null;
                state = BackendExchangeState.ABORTED;
                stdin.release();
                done.complete(null);
            }
            case STREAMING -> {
                state = BackendExchangeState.ABORTING;
                aborted = done;
                abortSent = true;
                connection.pool().abortSent();
                connection.abort(writer.abortRequest(new AbortRequest(REQUEST_ID)));
            }
            case ABORTING -> aborted.whenComplete((ok, error) -> done.complete(null));
            case COMPLETED, FAILED, ABORTED -> done.complete(null);
        }
    }

    /** ABORTING → ABORTED: the connection is released (closed). */
    private void finishAbort() {
        to(BackendExchangeState.ABORTED, "aborted", BackendExchangeState.ABORTING);
        stdin.release();
        aborted.complete(null);
    }

    // ---- body and response, on the transport thread ---------------------------------------

    private void offerChunk(ByteBuffer chunk, CompletableFuture<Void> written) {
        if (state.isTerminal() || state == BackendExchangeState.ABORTING) {
            written.complete(null);
            return;
        }
        stdin.offer(chunk, written);
        if (state == BackendExchangeState.STREAMING) {
            stdin.send(connection);
            connection.flush();
        }
    }

    private void offerEnd() {
        if (state.isTerminal() || state == BackendExchangeState.ABORTING) {
            return;
        }
        Connection streaming = state == BackendExchangeState.STREAMING ? connection : null;
        if (stdin.end(streaming) && streaming != null) {
            streaming.flush();
        }
    }

    /** @return whether to keep reading */
    boolean stdout(ByteBuffer content) {
        if (state != BackendExchangeState.STREAMING) {
            return true; // ABORTING: discarded
        }
        responseBytes += content.remaining();
        return calls.stdout(content);
    }

    /** The connection's last read has been delivered and the exchange goes on. */
    void readComplete() {
        if (state == BackendExchangeState.STREAMING) {
            calls.readComplete();
        }
    }

    void stderr(ByteBuffer content) {
        if (state == BackendExchangeState.STREAMING) {
            calls.stderr(content);
        }
    }

    // ---- facts for the connection and the dispatcher --------------------------------------

    void received(int bytes) {
        receivedBytes += bytes;
    }

    /**
     * Whether, once the connection's unsent bytes are gone, the application has read or will
     * skip all this exchange sent: the body was ended and written in full, or no body content
     * was sent at all (an application may answer before the body's end, and php-fpm skips
     * empty STDIN records before the next BEGIN_REQUEST). Never after ABORT_REQUEST.
     */
    boolean leftConnectionClean() {
        return !abortSent && stdin.leftClean();
    }

    boolean bodyEnded() {
        return stdin.ended();
    }

    /**
     * Whether the exchange may start over on a fresh connection: nothing came back and no body
     * byte was acknowledged to the caller, so the request can be sent again in full.
     */
    boolean replayable() {
        return receivedBytes == 0 && !stdin.anyWritten() && state == BackendExchangeState.STREAMING;
    }

    /** The dispatcher's record of this exchange's tries. */
    Attempts attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "BackendExchange[" + state + ", backend=" + backend + "]";
    }
}
