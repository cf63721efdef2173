package dev.gatehouse.cgi;

import dev.gatehouse.cgi.exec.RequestBodySpool;
import dev.gatehouse.cgi.exec.ResolvedScript;
import dev.gatehouse.cgi.exec.ScriptProcess;
import dev.gatehouse.cgi.exec.StderrLog;
import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiRequest;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.cgi.meta.MetaVariables;
import dev.gatehouse.cgi.meta.ResponseHeadWriter;
import dev.gatehouse.cgi.meta.ScriptLocation;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's run of a script, from admission to the last byte: it owns the process, the
 * optional body spool, the timeout and the gate slot, and releases all of them on every path.
 *
 * <p>It runs on a gateway thread, never a container thread (the request is in async mode). The
 * request body is copied to stdin on a second thread and stderr logged on a third, so that a
 * script that writes before it reads never deadlocks.
 *
 * <p>Failures map to a status here and only here: before the response head is sent they become
 * an error response; after it, the connection is aborted so that the client cannot mistake a
 * truncated body for a complete one.
 */
final class CgiExchange implements ScriptGate.Admission {

    private final CgiRuntime runtime;
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ResolvedScript script;
    private final CgiRequest cgiRequest;
    private final ScriptLocation location;

    private volatile ScriptProcess process;
    private volatile boolean timedOut;
    private boolean headSent;
    private ScheduledFuture<?> timeout;
    private long deadlineNanos;

    CgiExchange(CgiRuntime runtime, AsyncContext async, ResolvedScript script, ScriptLocation location) {
        this.runtime = runtime;
        this.async = async;
        this.request = (HttpServletRequest) async.getRequest();
        this.response = (HttpServletResponse) async.getResponse();
        this.script = script;
        this.cgiRequest = CgiRequest.from(request);
        this.location = location;
    }

    @Override
    public void admitted() {
        try {
            runtime.executor().execute(this::run);
        } catch (RuntimeException e) { // executor shut down: the servlet is being destroyed
            runtime.gate().leave();
            respondError(503, "the CGI servlet is shutting down");
        }
    }

    @Override
    public void rejected(String why) {
        runtime.log(Level.WARNING, "{0}: 503, {1}", location.scriptName(), why);
        response.setHeader("Retry-After", Long.toString(Math.max(1, runtime.config().queueTimeout().toSeconds())));
        respondError(503, why);
    }

    private void run() {
        RequestBodySpool spool = null;
        try {
            CgiRequest effective = cgiRequest;
            if (cgiRequest.isChunked() && runtime.config().chunkedBody() == CgiConfig.ChunkedBody.SPOOL) {
                spool = RequestBodySpool.spool(request.getInputStream(), runtime.tempDir(),
                        runtime.config().maxSpoolBytes());
                effective = cgiRequest.withContentLength(spool.length());
            }
            Map<String, String> env = MetaVariables.of(effective, location, runtime.policy(), System.getenv());
            start(env);
            feedStdin(effective, spool);
            relay();
        } catch (Throwable t) {
            fail(t);
        } finally {
            if (spool != null) {
                spool.close();
            }
            finish();
        }
    }

    private void start(Map<String, String> env) throws GatewayFailure {
        List<String> argv = CommandArguments.append(script.command(), cgiRequest.queryString(),
                runtime.config().queryArguments());
        try {
            process = ScriptProcess.start(argv, env, script.file().getParent(), location.scriptName(),
                    runtime.config().processGroup());
        } catch (IOException e) {
            throw new GatewayFailure(500, "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        runtime.running().add(process);
        deadlineNanos = System.nanoTime() + runtime.config().timeout().toNanos();
        timeout = runtime.timer().schedule(this::onTimeout, runtime.config().timeout().toMillis(), TimeUnit.MILLISECONDS);
        runtime.executor().execute(new StderrLog(process.stderr(), location.scriptName(),
                runtime.config().maxStderrLines()));
    }

    private void feedStdin(CgiRequest effective, RequestBodySpool spool) throws IOException {
        OutputStream stdin = process.stdin();
        if (!effective.hasBody() && spool == null) {
            stdin.close();
            return;
        }
        InputStream body = spool != null ? spool.open() : request.getInputStream();
        runtime.executor().execute(() -> {
            try (InputStream in = body; OutputStream out = stdin) {
                in.transferTo(out);
            } catch (IOException e) {
                // the script exited without reading all of its input, or the client went away:
                // the relay sees either on stdout
            }
        });
    }

    private void relay() throws Exception {
        InputStream stdout = process.stdout();
        CgiHeaderParser parser = new CgiHeaderParser(runtime.config().maxHeaderBytes(), script.nph());
        byte[] buf = new byte[65536];
        int n;
        int consumed = 0;
        while (!parser.isComplete()) {
            n = stdout.read(buf);
            if (n < 0) {
                break;
            }
            consumed = parser.feed(buf, 0, n);
            if (parser.isComplete()) {
                writeHead(parser.finish());
                if (consumed < n) {
                    body(buf, consumed, n - consumed, stdout);
                }
                break;
            }
        }
        if (!parser.isComplete()) {
            throw endedEarly(parser);
        }
        if (!headSent) {
            return; // local redirect, dispatched
        }
        while ((n = stdout.read(buf)) >= 0) {
            body(buf, 0, n, stdout);
        }
        if (timedOut) {
            throw new GatewayFailure(504, "timed out after " + runtime.config().timeout().toMillis() + " ms");
        }
        if (!cgiRequest.method().equals("HEAD")) {
            response.getOutputStream().flush();
        }
        async.complete();
    }

    private void body(byte[] buf, int off, int len, InputStream stdout) throws IOException {
        if (cgiRequest.method().equals("HEAD")) {
            return; // read and dropped so that the script can finish
        }
        ServletOutputStream out = response.getOutputStream();
        try {
            out.write(buf, off, len);
            if (stdout.available() == 0) {
                out.flush(); // the script paused: send what it wrote so far
            }
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private GatewayFailure endedEarly(CgiHeaderParser parser) throws InterruptedException {
        if (timedOut) {
            return new GatewayFailure(504, "timed out after " + runtime.config().timeout().toMillis()
                    + " ms before a complete header block");
        }
        Integer exit = process.waitFor(1, TimeUnit.SECONDS);
        String why;
        try {
            parser.finish();
            why = "incomplete header block";
        } catch (CgiHeaderException e) {
            why = e.getMessage();
        }
        return new GatewayFailure(502, "script " + (exit == null ? "closed its output" : "exited with status " + exit)
                + " before a valid response: " + why);
    }

    private void writeHead(CgiResponseHead head) throws Exception {
        if (head.kind() == CgiResponseHead.Kind.LOCAL_REDIRECT) {
            runtime.localRedirect(async, request, head.location(), location.scriptName());
            return;
        }
        ResponseHeadWriter.apply(head, response);
        headSent = true;
        if (head.kind() == CgiResponseHead.Kind.CLIENT_REDIRECT || !cgiRequest.method().equals("HEAD")) {
            response.flushBuffer();
        }
    }

    private void onTimeout() {
        timedOut = true;
        ScriptProcess p = process;
        if (p != null) {
            runtime.log(Level.WARNING, "{0}: killing process tree of pid {1}, timeout {2} ms reached",
                    location.scriptName(), p.pid(), runtime.config().timeout().toMillis());
            p.killTree();
        }
    }

    /** The one place where a failure becomes a status, or an aborted response. */
    void fail(Throwable t) {
        if (process != null) {
            process.killTree();
        }
        if (t instanceof ClientGoneException) {
            runtime.log(Level.INFO, "{0}: client disconnected, script killed", location.scriptName());
            async.complete(); // the connection is already broken: nothing to abort
            return;
        }
        int status;
        if (t instanceof GatewayFailure g) {
            status = g.status();
        } else if (t instanceof CgiHeaderException) {
            status = 502;
        } else if (t instanceof RequestBodySpool.TooLargeException) {
            status = 413;
        } else {
            status = 500;
        }
        if (status == 500 && !(t instanceof GatewayFailure)) {
            runtime.log(Level.ERROR, location.scriptName() + ": failed", t);
        } else {
            runtime.log(Level.WARNING, "{0}: {1}, {2}", location.scriptName(), status, t.getMessage());
        }
        if (headSent || response.isCommitted()) {
            runtime.abort(async, t);
        } else {
            respondError(status, t.getMessage());
        }
    }

    private void respondError(int status, String message) {
        try {
            response.sendError(status);
        } catch (IOException | IllegalStateException e) {
            runtime.log(Level.DEBUG, "cannot send {0}: {1}", status, e.getMessage());
        }
        async.complete();
    }

    private void finish() {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ScriptProcess p = process;
        if (p != null) {
            try {
                if (p.waitFor(100, TimeUnit.MILLISECONDS) == null && !timedOut) {
                    // output closed but the script lingers: give it what is left of its time
                    p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.close();
            runtime.running().remove(p);
        }
        runtime.gate().leave();
    }

    /** Writing to the client failed: it went away. */
    static final class ClientGoneException extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGoneException(IOException cause) {
            super("client disconnected: " + cause.getMessage(), cause);
        }
    }
}
