package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.ContainerGuard;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ways one proxied or authorized request ends, at most one of them, each through the
 * {@link ContainerGuard} so nothing touches a request the container has recycled: complete
 * normally, answer an error status (before the response head went out), or abort the
 * connection (after it, so that a truncated body never looks complete).
 *
 * <p>The abort is portable across containers: the failure is put in a request attribute and
 * the request dispatched back to the servlet, whose {@code service} throws it; the container
 * then closes the connection without ending the body (the same way as {@code CgiServlet}).
 */
final class ServletEnd {

    /** Request attribute: a failure after the response head was sent; the dispatch throws it. */
    static final String ABORT = "dev.gatehouse.fastcgi.abort";

    private static final System.Logger LOG = System.getLogger(FastCgiProxyServlet.class.getName());

    private final AsyncContext async;
    private final ContainerGuard guard;
    private final AtomicBoolean ended = new AtomicBoolean();

    ServletEnd(AsyncContext async, ContainerGuard guard) {
        this.async = async;
        this.guard = guard;
    }

    /** Whether one of the ends has been taken (or the container let go of the request). */
    boolean ended() {
        return ended.get() || guard.released();
    }

    /** Ends the response normally. */
    void complete() {
        if (ended.compareAndSet(false, true)) {
            completeNow();
        }
    }

    /**
     * Answers {@code status} (with Retry-After when given) if the response has not started,
     * else aborts the connection.
     */
    void error(int status, String retryAfter) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        boolean[] aborted = new boolean[1];
        try {
            guard.use(() -> {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (response.isCommitted()) {
                    aborted[0] = true;
                    abortNow(new IOException("status " + status + " after the response head was sent"));
                    return;
                }
                if (retryAfter != null) {
                    response.setHeader("Retry-After", retryAfter);
                }
                response.sendError(status);
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot send {0}: {1}", status, e.getMessage());
        }
        if (!aborted[0]) {
            // outside the guard: a container may run onComplete before complete() returns
            completeNow();
        }
    }

    /**
     * Hands the request back to the container: an async dispatch to its own URI, as the
     * authorizer filter does once access is granted.
     */
    void dispatch() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            guard.use(async::dispatch);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot dispatch: {0}", e.getMessage());
        }
    }

    /** Ends a response whose head is out so that the client sees it failed. */
    void abort(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            guard.use(() -> abortNow(cause));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot abort: {0}", e.getMessage());
        }
    }

    private void abortNow(Throwable cause) {
        async.getRequest().setAttribute(ABORT, cause);
        try {
            async.dispatch();
        } catch (IllegalStateException e) {
            async.complete();
        }
    }

    private void completeNow() {
        if (guard.released()) {
            return;
        }
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // the container completed it meanwhile (client gone)
        }
    }
}
