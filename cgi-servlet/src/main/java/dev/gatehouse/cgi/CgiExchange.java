package dev.gatehouse.cgi;

import dev.gatehouse.cgi.mapping.CommandArguments;
import dev.gatehouse.cgi.mapping.ResolvedScript;
import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.cgi.meta.MetaVariables;
import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.servlet.BodyTooLargeException;
import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.DrainBound;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestBodySpool;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.StderrRelay;
import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's run of a script, from its head to the last byte: it owns the body read before
 * admission ({@link BodyBuffer}, by default), the process, the body spool, the timeout and the
 * gate slot, and releases all of them on every path.
 *
 * <p>It runs on a gateway thread, never a container thread (the request is in async mode). The
 * request body is copied to stdin by a {@link StdinFeeder} (non-blocking reads, pipe writes on
 * another gateway thread) and stderr drained by the servlet's
 * {@link dev.gatehouse.servlet.process.StderrPump}, so that a script that writes before it reads, or
 * writes much to stderr, never deadlocks. Every touch of the request or response
 * goes through the {@link ContainerGuard}, so nothing is written after the container let go.
 *
 * <p>Failures map to a status here and only here: before the response head is sent they become
 * an error response; after it, the connection is aborted so that the client cannot mistake a
 * truncated body for a complete one.
 *
 * <p>The client can hold nothing for long: every write has the {@code writeTimeout} deadline
 * ({@link ClientOutput}), after which the connection is aborted and the script killed; and the
 * script's timeout ends a wait for the client at once, so that a client that does not read is
 * aborted at {@code timeout} and its slot freed then, not at the container's idle timeout. The
 * timeout's kill runs on the runtime's killer threads, never on the timer, which only schedules.
 *
 * <p>The request ends ({@link #finish}) after the slot is free and, for a response or an error
 * status, after the rest of a body the script did not read has been drained within the
 * {@link DrainBound} (at most {@link DrainBound#TIME} after the script's output ended), so that a
 * client that sends its whole body before it reads still gets the answer.
 */
final class CgiExchange implements ScriptGate.Admission {

    private static final System.Logger STDERR_LOG = SafeLogger.of("dev.gatehouse.cgi.stderr");

    private final CgiRuntime runtime;
    private final ResolvedScript script;
    private final CgiRequest cgiRequest;
    private final ScriptLocation location;
    private final ContainerGuard guard = new ContainerGuard(new ContainerGuard.Owner() {
        @Override
        public void failed(Throwable cause) {
            RequestBodyException.Fault fault = RequestBodyException.classify(cause);
            if (cgiRequest.hasBody() && fault != RequestBodyException.Fault.TIMEOUT) {
                // Tomcat ends a request whose body it cannot parse, or that a client cut short,
                // while a gateway thread reads it, and would answer 500 for the read's exception
                container.errorFromListener(fault.status());
            }
            container.containerEnded();
            onContainerGaveUp();
        }

        @Override
        public void timedOut() {
            container.containerEnded();
            onContainerGaveUp();
        }
    });
    private final ContainerSide container;
    private final boolean head;

    private volatile ChildProcess process;
    private volatile boolean timedOut;
    /** Whether the tree has been killed once: a second walk of {@code /proc} finds nothing more. */
    private final AtomicBoolean killed = new AtomicBoolean();

    private boolean headSent;
    /** How the request ends, run by {@link #finish}; null when it was dispatched instead. */
    private Runnable ending;
    /** Whether {@link #ending} waits for the rest of the request body to be drained. */
    private boolean drainFirst;

    /** The request body read whole before admission (or spooled after it); closed in one place. */
    private volatile RequestBodySpool spool;
    /** Reads the body before admission, when it does; null otherwise. */
    private volatile BodyBuffer buffer;

    private StdinFeeder feeder;
    /** Reading the streamed request body failed (the client's fault); the script is killed. */
    private volatile RequestBodyException bodyFailure;

    private StderrRelay stderr;
    private ScheduledFuture<?> timeout;
    private long deadlineNanos;

    CgiExchange(
            CgiRuntime runtime,
            AsyncContext async,
            CgiRequestWrapper request,
            CgiRequest cgiRequest,
            ResolvedScript script,
            ScriptLocation location,
            RequestTally tally) {
        this.runtime = runtime;
        this.container = new ContainerSide(runtime, async, request, guard, tally);
        this.script = script;
        this.cgiRequest = cgiRequest;
        this.location = location;
        this.head = cgiRequest.method().equals("HEAD");
    }

    /** Listens to the container's end of the request; register it before admission. */
    ContainerGuard guard() {
        return guard;
    }

    /**
     * Whether the body is read whole before the request asks for a slot: {@code requestBuffering}
     * is on and there is a body (Content-Length above 0, or chunked unless {@code
     * chunkedBody=stream}). A request without a body goes to the gate at once, as it always did.
     */
    boolean buffersBody() {
        CgiConfig config = runtime.config();
        return config.requestBuffering()
                && (cgiRequest.body().length() > 0
                        || config.chunkedBody() == CgiConfig.ChunkedBody.SPOOL && cgiRequest.isChunked());
    }

    /** Starts the exchange: asks the gate for a slot, after the whole body is in when it {@link #buffersBody}. */
    void begin() {
        if (!buffersBody()) {
            runtime.gate().enter(this);
            return;
        }
        SpoolBudget.Account account = runtime.budget().account();
        if (!account.enter()) {
            runtime.log(
                    Level.WARNING,
                    "{0}: 503, maxSpooling = {1} request bodies are being buffered already",
                    location.scriptName(),
                    runtime.config().maxSpooling());
            container.error(503, runtime.retryAfter());
            return;
        }
        RequestBodySpool body = RequestBodySpool.create(
                runtime.tempDir(), runtime.config().maxSpoolBytes(), RequestBodySpool.MEMORY_BYTES, account);
        BodyBuffer b = new BodyBuffer(container, body, new BodyBuffer.Outcome() {
            @Override
            public void buffered(RequestBodySpool whole) {
                runtime.buffering().remove(buffer);
                spool = whole;
                runtime.gate().enter(CgiExchange.this);
            }

            @Override
            public void failed(int status, String why) {
                runtime.buffering().remove(buffer);
                runtime.log(
                        status == 503 ? Level.WARNING : Level.INFO,
                        "{0}: {1}, {2}",
                        location.scriptName(),
                        status,
                        why);
                if (status == 503) {
                    container.error(status, runtime.retryAfter());
                } else {
                    container.errorUnlessAnswered(status); // Tomcat answers a body it cannot read itself
                }
            }
        });
        buffer = b;
        runtime.buffering().add(b);
        b.start(runtime);
    }

    @Override
    public void admitted() {
        try {
            runtime.executor().execute(this::run);
        } catch (RuntimeException e) { // executor shut down: the servlet is being destroyed
            closeSpool();
            runtime.gate().leave();
            container.error(503, null);
        }
    }

    @Override
    public void rejected(String why) {
        closeSpool();
        runtime.log(Level.WARNING, "{0}: 503, {1} ({2} ms)", location.scriptName(), why, container.elapsedMillis());
        container.error(
                503, Long.toString(Math.max(1, runtime.config().queueTimeout().toSeconds())));
    }

    private void run() {
        try {
            CgiRequest effective = cgiRequest;
            RequestBodySpool body = spool;
            if (body == null
                    && cgiRequest.isChunked()
                    && runtime.config().chunkedBody() == CgiConfig.ChunkedBody.SPOOL) {
                // requestBuffering=false: spooled here, after admission, as it always was
                body = RequestBodySpool.spool(
                        container.requestBody(),
                        runtime.tempDir(),
                        runtime.config().maxSpoolBytes(),
                        RequestBodySpool.MEMORY_BYTES,
                        runtime.budget().account());
                spool = body;
            }
            if (body != null) {
                effective = cgiRequest.withContentLength(body.length());
            }
            Map<String, String> env = MetaVariables.of(effective, location, runtime.policy(), System.getenv());
            start(env);
            feedStdin(effective, body);
            relay();
            RequestBodyException broken = bodyFailure;
            if (broken != null) {
                throw broken; // killed meanwhile: what the script wrote answers no whole request
            }
        } catch (Throwable t) {
            RequestBodyException broken = bodyFailure;
            fail(broken != null ? broken : t); // the cause, not what the kill did to the output
        } finally {
            closeSpool();
            finish();
        }
    }

    private void closeSpool() {
        RequestBodySpool s = spool;
        if (s != null) {
            s.close();
        }
    }

    private void start(Map<String, String> env) throws GatewayFailure {
        List<String> argv = CommandArguments.append(
                script.command(), cgiRequest.target().query(), runtime.config().queryArguments());
        try {
            process = ChildProcess.start(
                    argv,
                    env,
                    script.file().getParent(),
                    location.scriptName(),
                    runtime.config().processGroup());
        } catch (IOException e) {
            runtime.metrics().spawnFailures.increment();
            throw new GatewayFailure(500, "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        runtime.metrics().scriptsStarted.increment();
        runtime.running().add(process);
        deadlineNanos = System.nanoTime() + runtime.config().timeout().toNanos();
        timeout = runtime.afterTimeout(runtime.config().timeout(), this::onTimeout);
        stderr = StderrRelay.perRequest(
                STDERR_LOG,
                location.scriptName(),
                runtime.config().maxStderrLines(),
                runtime.metrics().stderrLogged,
                runtime.metrics().stderrDropped);
        runtime.stderr().add(stderr, process.stderr());
    }

    private void feedStdin(CgiRequest effective, RequestBodySpool spool) throws IOException {
        if (!effective.hasBody() && spool == null) {
            process.stdin().close();
            return;
        }
        feeder = new StdinFeeder(
                process.stdin(),
                spool,
                container,
                runtime.executor(),
                spool != null ? -1 : effective.body().length(),
                DrainBound.of(runtime.config().maxSpoolBytes()),
                this::bodyFailed);
        feeder.start();
    }

    private void relay() throws Exception {
        InputStream stdout = process.stdout();
        CgiHeaderParser parser = new CgiHeaderParser(runtime.config().maxHeaderBytes(), script.nph());
        byte[] buf = new byte[65536];
        int n;
        while (!parser.isComplete() && (n = stdout.read(buf)) >= 0) {
            int consumed = parser.feed(buf, 0, n);
            if (parser.isComplete()) {
                if (!writeHead(parser.finish())) {
                    // local redirect, dispatched: whatever the script still writes is no body
                    stdout.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                body(buf, consumed, n - consumed, stdout);
            }
        }
        if (!parser.isComplete()) {
            throw endedEarly(parser);
        }
        while ((n = stdout.read(buf)) >= 0) {
            body(buf, 0, n, stdout);
        }
        if (timedOut) {
            throw timedOutFailure("");
        }
        end(this::completeWhenSent, true);
    }

    /**
     * Completes the response once the client has taken its last bytes (after the slot is free),
     * or aborts it when the client takes nothing within {@code writeTimeout}: a response is never
     * left to the container's idle timeout.
     */
    private void completeWhenSent() {
        try {
            container.awaitSent();
        } catch (ClientOutput.ClientStalledException e) {
            runtime.log(Level.WARNING, "{0}: {1}, connection aborted", location.scriptName(), e.getMessage());
            container.abortClient(e);
            return;
        } catch (ClientGoneException e) {
            container.clientGone();
            return;
        } catch (IOException e) {
            // the wait was cancelled: complete() then does no harm
        }
        container.complete();
    }

    private void end(Runnable how, boolean drain) {
        ending = how;
        drainFirst = drain;
    }

    private void body(byte[] buf, int off, int len, InputStream stdout) throws IOException {
        if (head || len == 0) {
            return; // read and dropped so that the script can finish
        }
        // flush when the script paused, so that what it wrote so far reaches the client
        container.body(buf, off, len, stdout.available() == 0);
    }

    private GatewayFailure endedEarly(CgiHeaderParser parser) throws InterruptedException {
        if (timedOut) {
            return timedOutFailure(" before a complete header block");
        }
        Integer exit = process.waitFor(1, TimeUnit.SECONDS);
        String why;
        try {
            parser.finish();
            why = "incomplete header block";
        } catch (CgiHeaderException e) {
            why = e.getMessage();
        }
        return new GatewayFailure(
                502,
                "script " + (exit == null ? "closed its output" : "exited with status " + exit)
                        + " before a valid response: " + why);
    }

    /** Sends the head; false when it was a local redirect, dispatched instead. */
    private boolean writeHead(CgiResponseHead head) throws IOException, GatewayFailure {
        if (head.kind() == CgiResponseHead.Kind.LOCAL_REDIRECT) {
            container.localRedirect(head.location(), location.scriptName());
            return false;
        }
        container.head(head, head.kind() == CgiResponseHead.Kind.CLIENT_REDIRECT || !this.head);
        headSent = true;
        return true;
    }

    private GatewayFailure timedOutFailure(String when) {
        return new GatewayFailure(
                504, "timed out after " + runtime.config().timeout().toMillis() + " ms" + when);
    }

    /**
     * On a killer thread: kills the tree, and ends a wait for the client at once. Its line is INFO:
     * the request's one WARNING, the 504 with its elapsed time, follows from {@link #fail}.
     */
    private void onTimeout() {
        timedOut = true;
        ChildProcess p = process;
        if (p != null) {
            runtime.log(
                    Level.INFO,
                    "{0}: killing process tree of pid {1}, timeout {2} ms reached",
                    location.scriptName(),
                    p.pid(),
                    runtime.config().timeout().toMillis());
            if (kill(p)) {
                runtime.metrics().killedAtTimeout.increment();
            }
        }
        // a client that does not read must not keep the slot: the gateway thread stops waiting
        // for it, and fail() aborts the connection at once
        container.cancelWrites(new IOException("timed out"));
    }

    /** The streamed request body broke off: the script must not answer a part of it. */
    private void bodyFailed(RequestBodyException e) {
        bodyFailure = e;
        ChildProcess p = process;
        if (p != null) {
            p.killTree();
        }
    }

    /** The container ended the request by itself (client gone, or its async timeout). */
    private void onContainerGaveUp() {
        BodyBuffer b = buffer;
        if (b != null) {
            b.abandon(400, "the container ended the request while its body was being read");
        }
        ChildProcess p = process;
        if (p != null && kill(p)) {
            runtime.metrics().killedOnDisconnect.increment();
        }
        container.released();
    }

    /**
     * Kills the tree once; {@link ChildProcess#close} still kills what is left at the end.
     *
     * @return whether this call killed it
     */
    private boolean kill(ChildProcess p) {
        if (killed.compareAndSet(false, true)) {
            p.killTree();
            return true;
        }
        return false;
    }

    /** The one place where a failure becomes a status, or an aborted servlet. */
    void fail(Throwable failure) {
        if (process != null
                && kill(process)
                && (failure instanceof ClientGoneException || failure instanceof ClientOutput.ClientStalledException)) {
            runtime.metrics().killedOnDisconnect.increment();
        }
        // the timeout ended a wait for the client, or cut the output short: a 504
        Throwable t = timedOut && !(failure instanceof GatewayFailure) ? timedOutFailure("") : failure;
        if (t instanceof ClientOutput.ClientStalledException) {
            runtime.log(
                    Level.WARNING,
                    "{0}: {1}, connection aborted, script killed",
                    location.scriptName(),
                    t.getMessage());
            end(() -> container.abortClient(t), false);
            return;
        }
        if (t instanceof ClientGoneException) {
            runtime.log(Level.INFO, "{0}: client disconnected, script killed", location.scriptName());
            end(container::clientGone, false);
            return;
        }
        if (t instanceof RequestBodyException body) {
            clientFault(body);
            return;
        }
        int status;
        if (t instanceof GatewayFailure g) {
            status = g.status();
        } else if (t instanceof CgiHeaderException) {
            status = 502;
        } else if (t instanceof BodyTooLargeException) {
            status = 413;
        } else if (t instanceof SpoolBudget.RefusedException) {
            status = 503;
        } else {
            status = 500;
        }
        if (status == 500 && !(t instanceof GatewayFailure)) {
            runtime.log(Level.ERROR, location.scriptName() + ": failed", t);
        } else {
            runtime.log(
                    Level.WARNING,
                    "{0}: {1}, {2} ({3} ms)",
                    location.scriptName(),
                    status,
                    t.getMessage(),
                    container.elapsedMillis());
        }
        if (headSent) {
            end(() -> container.abort(t, status), false);
        } else {
            end(() -> container.error(status, status == 503 ? runtime.retryAfter() : null), true);
        }
    }

    /**
     * The request body could not be read (malformed, cut off, or silent): one line, no trace; its
     * status while the head is not out; after it, a client gone hears nothing more, and one that
     * sent a broken body sees the response aborted.
     */
    private void clientFault(RequestBodyException e) {
        runtime.log(Level.INFO, "{0}: {1}, {2}", location.scriptName(), e.status(), e.getMessage());
        if (!headSent) {
            end(() -> container.errorUnlessAnswered(e.status()), false);
        } else if (e.fault() == RequestBodyException.Fault.GONE) {
            end(container::clientGone, false);
        } else {
            end(() -> container.abort(e, e.status()), false);
        }
    }

    private void finish() {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ChildProcess p = process;
        if (p != null) {
            p.awaitExit(100, TimeUnit.MILLISECONDS);
            if (!p.isAlive()) {
                stderrDone(); // every line is logged before the client sees the end
            }
        }
        // the slot is free before the client hears the response has ended, and while it drains
        runtime.gate().leave();
        awaitDrain();
        if (ending != null) {
            ending.run();
        }
        if (p != null) {
            if (p.isAlive() && !timedOut) {
                // output closed but the script lingers: it may use what is left of its time
                p.awaitExit(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            p.close();
            stderrDone();
            runtime.running().remove(p);
        }
    }

    /** Lets the feeder drop what is left of the body, bounded, before the request ends. */
    private void awaitDrain() {
        StdinFeeder f = feeder;
        if (f == null) {
            return;
        }
        try {
            if (ending != null && drainFirst && !f.awaitEnd(DrainBound.TIME)) {
                runtime.log(
                        Level.DEBUG,
                        "{0}: request body still arriving {1} ms after the response, closing",
                        location.scriptName(),
                        DrainBound.TIME.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            f.stop();
        }
    }

    private void stderrDone() {
        if (stderr != null) {
            runtime.stderr().remove(stderr);
            stderr = null;
        }
    }
}
