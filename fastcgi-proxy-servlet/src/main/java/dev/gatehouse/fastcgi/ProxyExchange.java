package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.client.BackendExchange;
import dev.gatehouse.fastcgi.client.BackendOverloadedException;
import dev.gatehouse.fastcgi.client.BackendTimeoutException;
import dev.gatehouse.fastcgi.client.BackendUnavailableException;
import dev.gatehouse.fastcgi.client.FastCgiClientException;
import dev.gatehouse.fastcgi.client.PoolExhaustedException;
import dev.gatehouse.fastcgi.client.ResponseListener;
import dev.gatehouse.fastcgi.mapping.FastCgiParams;
import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.servlet.BodyTooLargeException;
import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.DrainBound;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestEnd;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.process.StderrRelay;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One request proxied to a FastCGI application, from {@code startAsync} to its single end
 * ({@link RequestEnd}): the request body is read in full first by a {@link BodySpool}
 * ({@code requestBuffering}, or a chunked body) or goes out as it comes through
 * {@link RequestBodyPump}, the response comes back through
 * {@link ResponseRelay}, STDERR goes to the log ({@link StderrRelay}), and every failure is
 * mapped here, once:
 *
 * <table>
 *   <caption>Failures and what the client sees</caption>
 *   <tr><th>failure</th><th>before the response head</th><th>after it</th></tr>
 *   <tr><td>{@link BackendUnavailableException}, {@code BackendFailureException}, a malformed
 *       or oversized CGI header block</td><td>502</td><td rowspan="3">the connection is
 *       aborted</td></tr>
 *   <tr><td>{@link BackendTimeoutException}</td><td>504</td></tr>
 *   <tr><td>{@link PoolExhaustedException}, {@link BackendOverloadedException}</td>
 *       <td>503 with Retry-After</td></tr>
 *   <tr><td>the client went away</td><td colspan="2">the backend exchange is aborted
 *       (ABORT_REQUEST) and its connection closed</td></tr>
 *   <tr><td>the request body is malformed (a bad chunk), cut off or silent
 *       ({@link RequestBodyException})</td><td>400 (408 when silent), the backend exchange
 *       aborted</td>
 *       <td>the connection is aborted, unless the client is gone or the response whole</td></tr>
 *   <tr><td>the spool's temp file fails</td><td>500</td><td>—</td></tr>
 * </table>
 *
 * <p>When the application ends the request (END_REQUEST) before it has read all of STDIN, the
 * rest of the client's body is read and dropped ({@link RequestBodyPump#dropRest}) after the
 * connection is released, within the {@link DrainBound} (the servlet's {@code maxSpoolBytes}, and
 * {@link DrainBound#TIME} after the response was written), and the request is completed only
 * then: a client that sends its whole body before it reads sees the answer.
 */
final class ProxyExchange implements ResponseListener {

    private static final System.Logger LOG = SafeLogger.of(FastCgiProxyServlet.class.getName());
    static final System.Logger STDERR_LOG = SafeLogger.of("dev.gatehouse.fastcgi.stderr");

    private final ProxyRuntime runtime;
    private final ScriptLocation target;
    private final AsyncContext async;
    private final String requestUri;
    private final ContainerGuard guard;
    private final RequestEnd end;
    /** The request in the servlet's figures: each end below counts it first, once. */
    private final RequestTally tally;

    private final ResponseRelay relay;
    private final StderrRelay stderr;
    private volatile BackendExchange backendExchange;
    private RequestBodyPump pump; // under this object's monitor
    private volatile BodySpool spool;
    private volatile boolean gone;
    // under this object's monitor: the two conditions of a normal completion
    private boolean responseWritten;
    private boolean bodyDone;
    /**
     * Whether the body streams through a {@link RequestBodyPump}, and whether the application
     * has ended the request: an application may answer (END_REQUEST) before {@link #send} has
     * set the pump, and the body's drain must then start from there, not be skipped (the pump
     * would read the whole body into an ended backend exchange).
     */
    private boolean pumpComing;

    private boolean backendEnded;

    /** Takes over an async request: registers the guard and the response's WriteListener. */
    ProxyExchange(ProxyRuntime runtime, ScriptLocation target, AsyncContext async, RequestTally tally)
            throws IOException {
        this.runtime = runtime;
        this.tally = tally;
        this.target = target;
        this.async = async;
        this.requestUri = ((HttpServletRequest) async.getRequest()).getRequestURI();
        this.guard = new ContainerGuard(new ContainerGuard.Owner() {
            @Override
            public void completed() {
                // Tomcat completes a request by itself when its client disconnects
                tally.clientAborted(); // nothing when the exchange completed it and counted it so
                discardSpool();
                relay.release();
            }

            @Override
            public void failed(Throwable cause) {
                clientGone("the container ended the request");
            }

            @Override
            public void timedOut() {
                clientGone("the container ended the request");
            }
        });
        this.end = new RequestEnd(async, guard);
        this.stderr = StderrRelay.perRequest(STDERR_LOG, target.scriptName(), StderrRelay.MAX_LINES);
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        this.relay = new ResponseRelay(
                runtime.config().maxHeaderBytes(),
                response,
                response.getOutputStream(),
                guard,
                this::responseWritten,
                () -> clientGone("writing the response failed"),
                runtime.responseBuffer(),
                runtime.config().sendTimeout(),
                runtime.timer(),
                this::cutOff);
        async.addListener(guard);
        response.getOutputStream().setWriteListener(relay);
    }

    /**
     * Sends the request. A request without a body takes a connection at once. A body is read in
     * full first ({@link BodySpool}) when {@code requestBuffering} is on, or when it is chunked
     * (its length must be known); else it streams as the client sends it ({@link RequestBodyPump}).
     */
    void send(CgiRequest request) throws IOException {
        if (!request.hasBody()) {
            BackendExchange started = open(request);
            if (started != null) {
                started.endBody();
            }
            return;
        }
        if (runtime.config().requestBuffering() || request.isChunked()) {
            spoolThenSend(request);
            return;
        }
        synchronized (this) {
            pumpComing = true;
        }
        BackendExchange started = open(request);
        if (started == null) {
            return;
        }
        ServletInputStream in = async.getRequest().getInputStream();
        RequestBodyPump created = new RequestBodyPump(
                in, request.body().length(), started, guard, e -> bodyFailed(RequestBodyException.of(e)), end::ended);
        boolean endedFirst;
        synchronized (this) {
            pump = created;
            endedFirst = backendEnded;
        }
        in.setReadListener(created);
        if (endedFirst) {
            // the application answered before the pump was there: onComplete left the drain to us
            created.dropRest(DrainBound.of(runtime.config().maxSpoolBytes()), this::bodyDone);
        }
    }

    /**
     * Reads the whole body, then takes a connection and sends PARAMS with the real
     * CONTENT_LENGTH and the body as STDIN. A Content-Length beyond {@code maxSpoolBytes} is 413
     * before a byte is read.
     */
    private void spoolThenSend(CgiRequest request) throws IOException {
        long limit = runtime.config().maxSpoolBytes();
        if (!request.isChunked() && request.body().length() > limit) {
            LOG.log(
                    Level.INFO,
                    "{0}: 413, Content-Length {1} exceeds maxSpoolBytes = {2}",
                    requestUri,
                    request.body().length(),
                    limit);
            error(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, null);
            return;
        }
        SpoolBudget.Account account = runtime.budget().account();
        if (!account.enter()) {
            LOG.log(
                    Level.WARNING,
                    "{0}: 503, maxSpooling = {1} request bodies are being buffered already",
                    requestUri,
                    runtime.config().maxSpooling());
            error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, runtime.retryAfter());
            return;
        }
        ServletInputStream in = async.getRequest().getInputStream();
        BodySpool[] created = new BodySpool[1];
        created[0] = new BodySpool(
                in,
                async,
                guard,
                runtime.tempDir(),
                limit,
                request.isChunked() ? -1 : request.body().length(),
                length -> {
                    BackendExchange started = open(request.withContentLength(length));
                    if (started != null) {
                        created[0].feed(started);
                    } else {
                        created[0].delete();
                    }
                },
                e -> {
                    if (e instanceof BodyTooLargeException) {
                        LOG.log(Level.INFO, "{0}: 413, {1}", requestUri, e.getMessage());
                        error(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, null);
                    } else if (e instanceof SpoolBudget.RefusedException) {
                        LOG.log(Level.WARNING, "{0}: 503, {1}", requestUri, e.getMessage());
                        error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, runtime.retryAfter());
                    } else if (e instanceof BodySpool.IdleException) {
                        LOG.log(Level.INFO, "{0}: 408, {1}", requestUri, e.getMessage());
                        error(HttpServletResponse.SC_REQUEST_TIMEOUT, null);
                    } else if (e instanceof RequestBodyException body) {
                        bodyFailed(body);
                    } else {
                        spoolFailed(e);
                    }
                },
                account,
                runtime.config().clientBodyTimeout());
        spool = created[0];
        if (gone) {
            created[0].discard(); // the container ended the request before the spool was known
            return;
        }
        in.setReadListener(created[0]);
        created[0].watchIdle(runtime.timer());
    }

    private BackendExchange open(CgiRequest request) {
        BackendExchange started;
        try {
            started = runtime.client().exchange(FastCgiParams.of(request, target, runtime.policy()), this);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.log(
                    Level.WARNING,
                    "{0}: 502, cannot send the request to the application: {1}",
                    requestUri,
                    e.getMessage());
            error(HttpServletResponse.SC_BAD_GATEWAY, null);
            return null;
        }
        relay.bind(started);
        backendExchange = started;
        if (request.body().length() > 0) {
            tally.metrics().bytesIn(request.body().length());
        }
        if (gone) {
            started.abort();
        }
        return started;
    }

    @Override
    public boolean onStdout(BackendExchange source, ByteBuffer content) {
        tally.metrics().bytesOut(content.remaining());
        try {
            return relay.onStdout(content);
        } catch (CgiHeaderException e) {
            source.abort();
            badHeader(e);
        } catch (ClientGoneException e) {
            clientGone(e.getMessage());
        }
        return true;
    }

    @Override
    public void onReadComplete(BackendExchange source) {
        try {
            relay.readComplete();
        } catch (ClientGoneException e) {
            clientGone(e.getMessage());
        }
    }

    @Override
    public void onStderr(BackendExchange source, ByteBuffer content) {
        stderr.feed(content);
    }

    @Override
    public void onComplete(BackendExchange source, EndRequest endRequest) {
        stderr.finish();
        RequestBodyPump body;
        boolean coming;
        synchronized (this) {
            backendEnded = true;
            body = pump;
            coming = pumpComing;
        }
        if (body != null) {
            body.dropRest(DrainBound.of(runtime.config().maxSpoolBytes()), this::bodyDone);
        } else if (!coming) {
            bodyDone();
        } // else send() is about to set the pump, and drops the rest itself
        try {
            relay.finish();
        } catch (CgiHeaderException e) {
            badHeader(e);
        } catch (ClientGoneException e) {
            LOG.log(Level.DEBUG, "{0}: the client went away at the end: {1}", requestUri, e.getMessage());
            relay.release();
            tally.clientAborted();
            end.complete();
        }
    }

    @Override
    public void onFailure(BackendExchange source, FastCgiClientException failure) {
        stderr.finish();
        int status = status(failure);
        if (relay.headSent()) {
            LOG.log(
                    Level.WARNING,
                    "{0}: aborting the response after {1} bytes from {2}: {3} ({4} ms)",
                    requestUri,
                    failure.responseBytes(),
                    target.scriptName(),
                    failure.getMessage(),
                    tally.elapsedMillis());
            tally.end(status);
            end.abort(failure);
        } else {
            LOG.log(
                    Level.WARNING,
                    "{0}: {1}, {2} ({3} ms)",
                    requestUri,
                    status,
                    failure.getMessage(),
                    tally.elapsedMillis());
            error(status, status == HttpServletResponse.SC_SERVICE_UNAVAILABLE ? runtime.retryAfter() : null);
        }
        relay.release(); // after the end is taken, as in cutOff
    }

    /** Every byte of the response is with the container: complete once the body is done too. */
    private void responseWritten() {
        relay.release(); // empty now: gives back its memory and budget at once
        synchronized (this) {
            if (responseWritten) {
                return;
            }
            responseWritten = true;
            if (!bodyDone) {
                // the servlet's own timer, not CompletableFuture's: the JDK's delay thread would
                // keep the context class loader of the request that made it (see JreLeaks)
                try {
                    runtime.timer().schedule(this::drainTimeUp, DrainBound.TIME.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                } catch (RejectedExecutionException e) {
                    // the servlet is being destroyed: end the request now
                }
            }
        }
        complete();
    }

    /** The request body has been read (or dropped, or the drain stopped at its bound). */
    private void bodyDone() {
        synchronized (this) {
            bodyDone = true;
            if (!responseWritten) {
                return;
            }
        }
        complete();
    }

    private void drainTimeUp() {
        if (!end.ended()) {
            LOG.log(
                    Level.DEBUG,
                    "{0}: request body still arriving {1} ms after the response, closing",
                    requestUri,
                    DrainBound.TIME.toMillis());
            complete();
        }
    }

    /** Ends the response normally, counted with the status the application gave. */
    private void complete() {
        int status;
        try {
            status = guard.use(() -> ((HttpServletResponse) async.getResponse()).getStatus(), 0);
        } catch (IOException | RuntimeException e) {
            status = 0;
        }
        if (status == 0) {
            tally.clientAborted(); // the container let go first
        } else {
            tally.end(status);
        }
        end.complete();
    }

    /** Answers {@code status}, or aborts when the head is out; counted as {@code status}. */
    private void error(int status, String retryAfter) {
        tally.end(status);
        end.error(status, retryAfter);
    }

    private void errorUnlessAnswered(int status) {
        tally.end(status);
        end.errorUnlessAnswered(status);
    }

    /** The one mapping of transport failures to HTTP statuses. */
    static int status(FastCgiClientException failure) {
        if (failure instanceof BackendTimeoutException) {
            return HttpServletResponse.SC_GATEWAY_TIMEOUT;
        }
        if (failure instanceof PoolExhaustedException || failure instanceof BackendOverloadedException) {
            return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        }
        return HttpServletResponse.SC_BAD_GATEWAY; // unavailable, or failed
    }

    private void badHeader(CgiHeaderException e) {
        relay.release();
        LOG.log(
                Level.WARNING,
                "{0}: 502, bad CGI response header block from {1}: {2} ({3} ms)",
                requestUri,
                target.scriptName(),
                e.getMessage(),
                tally.elapsedMillis());
        error(HttpServletResponse.SC_BAD_GATEWAY, null);
    }

    /**
     * The client's body could not be read: it is malformed (a bad chunk), the client went away
     * in the middle of it, or stopped sending. The client's fault: one line, no trace; the
     * backend exchange, if one was opened, is aborted (its connection is not kept busy) and the
     * spool deleted. Before the response head the client is told the fault's status (one that is
     * gone never sees it); after it a client that is gone, or a response already whole, is left
     * as it is, and any other is aborted.
     */
    private void bodyFailed(RequestBodyException e) {
        if (gone) {
            return;
        }
        gone = true;
        LOG.log(Level.INFO, "{0}: {1}, {2}", requestUri, e.status(), e.getMessage());
        discardSpool();
        BackendExchange current = backendExchange;
        if (current != null) {
            current.abort();
        }
        boolean whole;
        synchronized (this) {
            whole = responseWritten;
        }
        if (!relay.headSent()) {
            errorUnlessAnswered(e.status()); // Tomcat answers a body it cannot read itself
        } else if (whole) {
            complete();
        } else if (e.fault() == RequestBodyException.Fault.GONE) {
            tally.clientAborted();
            end.complete();
        } else {
            tally.end(e.status());
            end.abort(e);
        }
    }

    /** The spool's temp file could not be written or read: the server's fault, 500. */
    private void spoolFailed(IOException e) {
        if (gone) {
            return;
        }
        gone = true;
        LOG.log(Level.ERROR, "{0}: 500, cannot spool the request body: {1}", requestUri, e.getMessage());
        discardSpool();
        BackendExchange current = backendExchange;
        if (current != null) {
            current.abort();
        }
        error(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, null);
    }

    /** The client went away or its connection broke: abort the backend exchange and let go. */
    private void clientGone(String why) {
        if (gone) {
            return;
        }
        gone = true;
        LOG.log(
                Level.INFO,
                "{0}: client gone ({1}); aborting the exchange with {2}",
                requestUri,
                why,
                target.scriptName());
        discardSpool();
        relay.release();
        BackendExchange current = backendExchange;
        if (current != null) {
            current.abort();
        }
        tally.clientAborted();
        end.complete();
    }

    /**
     * The response cannot go on although the client is there (it took nothing for {@code
     * sendTimeout}, or its buffer could not be read back): abort its connection (the body is
     * cut, so it must not look complete), delete the buffer, and abort the backend exchange if
     * the application is still answering.
     */
    private void cutOff(String why) {
        if (gone) {
            return;
        }
        gone = true;
        LOG.log(Level.INFO, "{0}: {1}; aborting the client connection", requestUri, why);
        tally.clientAborted(); // a client that takes nothing: as good as gone
        // the abort first: once it is taken, a write listener that finds the buffer empty (the
        // release below empties it) can no longer complete the cut body as a whole one
        end.abort(new IOException(why));
        relay.release();
        BackendExchange current = backendExchange;
        if (current != null) {
            current.abort();
        }
    }

    /** The request ended: a spool still reading or feeding stops, and its file is deleted. */
    private void discardSpool() {
        BodySpool current = spool;
        if (current != null) {
            current.discard();
        }
    }
}
