package dev.gatehouse.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ways one gateway request ends (CGI, FastCGI proxy, FastCGI authorizer, an async ASGI
 * exchange), at most one of them, each through the
 * {@link ContainerGuard} so nothing touches a request the container has recycled: complete
 * normally, answer an error status (before the response head went out), or abort the
 * connection (after it, so that a truncated body never looks complete).
 *
 * <p>The abort is servlet-support's {@link Abort}, shared with the ASGI bridge: the failure is put
 * in a request attribute and the request dispatched back to the servlet, whose {@code service}
 * throws it ({@link Abort#rethrow}); the container then closes the connection without ending the
 * body.
 */
public final class RequestEnd {

    private static final System.Logger LOG = SafeLogger.of(RequestEnd.class.getName());

    private final AsyncContext async;
    private final ContainerGuard guard;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The status {@link #errorUnlessAnswered} chose, or 0: the listener may have to take it again. */
    private volatile int answeredStatus;

    public RequestEnd(AsyncContext async, ContainerGuard guard) {
        this.async = async;
        this.guard = guard;
    }

    /** Whether one of the ends has been taken (or the container let go of the request). */
    public boolean ended() {
        return ended.get() || guard.released();
    }

    /** Ends the response normally. */
    public void complete() {
        if (ended.compareAndSet(false, true)) {
            completeNow();
        }
    }

    /**
     * Answers {@code status} (with Retry-After when given) if the response has not started,
     * else aborts the connection.
     */
    public void error(int status, String retryAfter) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        boolean[] aborted = new boolean[1];
        try {
            guard.run(() -> {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (response.isCommitted()) {
                    aborted[0] = abortNow(new IOException("status " + status + " after the response head was sent"));
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
     * Ends a request before the gateway sent anything of a response (its body could not be read:
     * malformed, cut off, silent): answers {@code status}, unless the container has already
     * answered on its own (Tomcat sends 400 for a body it cannot read, and its response is then
     * committed), and completes the request as it stands. Never an abort: there is no body of the
     * gateway's that could look complete, and it would have the container log a stack trace.
     */
    public void errorUnlessAnswered(int status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        answeredStatus = status;
        try {
            guard.run(() -> {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (!response.isCommitted()) {
                    response.sendError(status);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot send {0}: {1}", status, e.getMessage());
        }
        completeNow(); // outside the guard, as every complete()
    }

    /**
     * Within the container's {@code AsyncListener.onError}, where the guard is already released
     * but the request is still the exchange's until the call returns: answers {@code status} if
     * nothing of the response was sent and completes the request; does nothing otherwise (the
     * container ends it). Without it Tomcat, which ends a request whose body it cannot parse while
     * a gateway thread is blocked reading it, answers 500 for the read's exception.
     *
     * <p>The gateway thread may have seen the read fail first and taken {@link
     * #errorUnlessAnswered} already: its status is set and {@code complete()} called, but not yet
     * acted on, and Tomcat's error handling, which comes after, would still answer 500 unless a
     * listener completes the request. The status it chose is then answered again here.
     */
    public void errorFromListener(int status) {
        int answer = status;
        try {
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            if (response.isCommitted()) {
                return;
            }
            if (!ended.compareAndSet(false, true)) {
                answer = answeredStatus;
                if (answer == 0) {
                    return; // ended another way: completed, aborted or dispatched
                }
            }
            response.sendError(answer);
            async.complete();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot send {0}: {1}", answer, e.getMessage());
        }
    }

    /**
     * Hands the request back to the container: an async dispatch to its own URI, as the
     * authorizer filter does once access is granted.
     */
    public void dispatch() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            guard.run(async::dispatch);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot dispatch: {0}", e.getMessage());
        }
    }

    /**
     * Ends this exchange by a dispatch that {@code how} performs under the guard (a local
     * redirect, say); if {@code how} fails, the end is not taken and the failure is rethrown.
     *
     * @return false when the container had already let go of the request
     */
    public boolean dispatchVia(ContainerGuard.Action how) throws IOException {
        if (!ended.compareAndSet(false, true)) {
            return true;
        }
        try {
            return guard.run(how);
        } catch (IOException | RuntimeException e) {
            ended.set(false);
            throw e;
        }
    }

    /** Ends a response whose head is out so that the client sees it failed. */
    public void abort(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        boolean dispatched = true;
        try {
            dispatched = guard.use(() -> abortNow(cause), true);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot abort: {0}", e.getMessage());
        }
        if (!dispatched) {
            completeNow(); // outside the guard, as every complete()
        }
    }

    /**
     * Under the guard: dispatches the request back with the failure; false when the container
     * refuses the dispatch, and then the caller completes the request after leaving the guard (a
     * container may run {@code onComplete}, which waits for the uses in progress, before {@code
     * complete()} returns).
     */
    private boolean abortNow(Throwable cause) {
        return Abort.dispatch(async, cause);
    }

    private void completeNow() {
        if (guard.released()) {
            return;
        }
        try {
            async.complete();
        } catch (RuntimeException e) {
            // the container completed it meanwhile (client gone)
        }
    }
}
