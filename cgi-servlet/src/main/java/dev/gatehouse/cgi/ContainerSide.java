package dev.gatehouse.cgi;

import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestEnd;
import dev.gatehouse.servlet.cgi.ResponseHeadWriter;
import dev.gatehouse.servlet.metrics.RequestTally;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * The servlet side of one exchange: every read of the request body, every write to the
 * response and every way of ending it (complete, error status, abort, local-redirect dispatch),
 * each through the {@link ContainerGuard}, and the request ended at most once. Writes go through
 * {@link ClientOutput}, each with the {@code writeTimeout} deadline. Each end is counted in the
 * servlet's figures as it is taken ({@link RequestTally}), once, with the status it ends with.
 */
final class ContainerSide {

    private final CgiRuntime runtime;
    private final AsyncContext async;
    private final CgiRequestWrapper request;
    private final HttpServletResponse response;
    private final ContainerGuard guard;
    private final RequestEnd end;
    private final ClientOutput output;
    private final RequestTally tally;
    /** The status of the head sent, which a normal completion ends with. */
    private volatile int status = HttpServletResponse.SC_OK;

    ContainerSide(
            CgiRuntime runtime,
            AsyncContext async,
            CgiRequestWrapper request,
            ContainerGuard guard,
            RequestTally tally) {
        this.runtime = runtime;
        this.tally = tally;
        this.async = async;
        this.request = request;
        this.response = (HttpServletResponse) async.getResponse();
        this.guard = guard;
        this.end = new RequestEnd(async, guard);
        this.output = new ClientOutput(response, guard, runtime.config().writeTimeout());
    }

    /** Sends the head of a document or client redirect; {@code flush} commits it at once. */
    void head(CgiResponseHead head, boolean flush) throws IOException {
        status = head.status();
        use(() -> ResponseHeadWriter.apply(head, response));
        if (flush) {
            output.flush();
        }
    }

    /**
     * Writes body bytes, flushing them to the client when {@code flush}; returns once the
     * container has taken them, within {@code writeTimeout}.
     *
     * @throws ClientOutput.ClientStalledException when the client took nothing in time
     * @throws ClientGoneException when the client or the container let go
     */
    void body(byte[] buf, int off, int len, boolean flush) throws IOException {
        output.write(buf, off, len, flush);
        tally.metrics().bytesOut(len);
    }

    /** {@code n} bytes of the request body were read. */
    void countIn(int n) {
        if (n > 0) {
            tally.metrics().bytesIn(n);
        }
    }

    /** Milliseconds since the request started, for a log line. */
    long elapsedMillis() {
        return tally.elapsedMillis();
    }

    /** Waits, within {@code writeTimeout}, until the client has taken every byte written. */
    void awaitSent() throws IOException {
        output.awaitSent();
    }

    /** Ends any wait for the client at once, now and later, with {@code why}. */
    void cancelWrites(IOException why) {
        output.cancel(why);
    }

    /** The container let go of the request: a wait for the client ends. */
    void released() {
        output.wake();
    }

    /**
     * The request body, read through the guard: it ends early if the container lets go. A read
     * that fails throws {@link RequestBodyException}, the client's fault, which tells it apart
     * from the failures of whatever the body is copied to.
     */
    InputStream requestBody() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    int n = guard.use(() -> request.getInputStream().read(b, off, len), -1);
                    countIn(n);
                    return n;
                } catch (IOException | RuntimeException e) {
                    throw RequestBodyException.of(e);
                }
            }
        };
    }

    /** A non-blocking reader of the request body, told its input before it becomes the listener. */
    interface BodyListener extends ReadListener {
        /** Called under the guard, before {@link ServletInputStream#setReadListener}. */
        void reading(ServletInputStream in);
    }

    /**
     * Reads the request body in non-blocking mode, with {@code listener} as its ReadListener.
     *
     * @return false when the container had already let go of the request
     */
    boolean readBody(BodyListener listener) throws IOException {
        return guard.run(() -> {
            ServletInputStream in = request.getInputStream();
            listener.reading(in);
            in.setReadListener(listener);
        });
    }

    /** Runs {@code read} of the body under the guard; false, without running it, once released. */
    boolean read(ContainerGuard.Use<Boolean> read) throws IOException {
        return guard.use(read, false);
    }

    /** Answers with the resource at a local path instead (RFC 3875 §6.2.2). */
    void localRedirect(String target, String scriptName) throws IOException, GatewayFailure {
        GatewayFailure[] failure = new GatewayFailure[1];
        boolean ours;
        try {
            ours = end.dispatchVia(() -> {
                try {
                    request.redirectTo(target); // before the dispatch that reads it
                    runtime.localRedirect(async, request, target, scriptName);
                } catch (GatewayFailure e) {
                    failure[0] = e;
                    throw new IOException(e.getMessage(), e);
                }
            });
        } catch (IOException e) {
            if (failure[0] != null) {
                throw failure[0]; // refused before any dispatch: the exchange answers 502
            }
            throw e;
        }
        if (!ours) {
            throw ClientGoneException.containerEnded();
        }
        tally.end(0); // handed on: wherever it lands counts it
    }

    /** Ends the response normally. */
    void complete() {
        tally.end(status);
        end.complete();
    }

    /** Ends the request of a client that went away. */
    void clientGone() {
        tally.clientAborted();
        end.complete();
    }

    /** The container ended the request by itself (client gone, or its own timeout). */
    void containerEnded() {
        tally.clientAborted();
    }

    /** Sends an error status (with Retry-After when given), or aborts when the head is out. */
    void error(int status, String retryAfter) {
        tally.end(status);
        end.error(status, retryAfter);
    }

    /**
     * Answers {@code status} before anything of the response was sent, unless the container
     * already answered (see {@link RequestEnd#errorUnlessAnswered}); never an abort.
     */
    void errorUnlessAnswered(int status) {
        tally.end(status);
        end.errorUnlessAnswered(status);
    }

    /** In the container's AsyncListener.onError: see {@link RequestEnd#errorFromListener}. */
    void errorFromListener(int status) {
        tally.end(status);
        end.errorFromListener(status);
    }

    /**
     * Ends a response whose head is out so that the client sees it failed, for a failure that
     * would have been {@code status} before it.
     */
    void abort(Throwable cause, int status) {
        tally.end(status);
        end.abort(cause);
    }

    /** Aborts the response of a client that stopped taking it. */
    void abortClient(Throwable cause) {
        tally.clientAborted();
        end.abort(cause);
    }

    private void use(ContainerGuard.Action action) throws IOException {
        if (!guard.run(action)) {
            throw ClientGoneException.containerEnded();
        }
    }
}
