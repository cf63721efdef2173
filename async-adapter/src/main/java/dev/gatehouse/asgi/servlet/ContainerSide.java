package dev.gatehouse.asgi.servlet;

import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.RequestEnd;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One exchange's hold on the servlet request and response: whether the container's dispatch is
 * still running, whether the request went async, and the ways the container's side of the
 * exchange ends — complete, a short error answer, or an abort (a dispatch back to {@link
 * AsgiServlet}, which throws). Completing and aborting go through servlet-support's {@link
 * RequestEnd}, the one way every bridge ends an async request. Used from the exchange's {@link SerialLoop}, except {@link
 * #answerAndComplete} and {@link #abortOrComplete}, which the timeout runs on the container's
 * thread with the guard released.
 */
final class ContainerSide {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ContainerGuard guard;
    private final long asyncTimeoutMillis;
    /** In the loop: whether the container's dispatch that started the exchange is still running. */
    private boolean inDispatch = true;
    /** Set in the loop, once: the request went async. Read by the container's timeout thread too. */
    private volatile AsyncContext async;
    /** Set with {@link #async}: how the async request ends, the way every bridge ends one. */
    private volatile RequestEnd end;

    ContainerSide(
            HttpServletRequest request, HttpServletResponse response, ContainerGuard guard, long asyncTimeoutMillis) {
        this.request = request;
        this.response = response;
        this.guard = guard;
        this.asyncTimeoutMillis = asyncTimeoutMillis;
    }

    long asyncTimeoutMillis() {
        return asyncTimeoutMillis;
    }

    /** In the loop: whether the dispatch runs and nothing has reached the client. */
    boolean inDispatchUncommitted() {
        return inDispatch && !response.isCommitted();
    }

    /** In the loop: whether the request has not gone async and the dispatch still runs. */
    boolean synchronous() {
        return inDispatch && async == null;
    }

    boolean isAsync() {
        return async != null;
    }

    /**
     * In the loop, during the dispatch: the request goes async now, as the application needs the
     * non-blocking API (a body to read, a response that outlives {@code service}). The listeners
     * are registered in the loop, so that a callback the container makes at once waits for it.
     */
    void goAsync(WriteListener writer) throws IOException {
        if (async != null) {
            return;
        }
        if (!inDispatch) {
            throw new IllegalStateException("the request can only go async during its dispatch");
        }
        AsyncContext started = request.startAsync();
        started.setTimeout(asyncTimeoutMillis);
        started.addListener(guard);
        end = new RequestEnd(started, guard);
        async = started;
        response.getOutputStream().setWriteListener(writer);
    }

    /**
     * Runs {@code task} on a container thread ({@code AsyncContext.start}), if the request is
     * async and not yet ended; false when it cannot, and then the task does not run.
     */
    boolean start(Runnable task) {
        AsyncContext started = async;
        if (started == null || !guard.enter()) {
            return false;
        }
        try {
            started.start(task);
            return true;
        } catch (RuntimeException e) {
            return false; // the container ended the request meanwhile
        } finally {
            guard.exit();
        }
    }

    /**
     * In the loop, last in the dispatch: without async, the container completes the response when
     * {@code service} returns and recycles the objects, so the guard is closed: no later use.
     */
    void dispatchEnds() {
        inDispatch = false;
        if (async == null) {
            guard.close();
        }
    }

    /**
     * Ends the request, unless the container already has. Never within a use of the guard: a
     * container may call {@code onComplete}, which waits for the uses in progress, before {@code
     * complete()} returns. Without async there is nothing to do: the container completes the
     * response when the dispatch returns.
     */
    void complete() {
        RequestEnd taken = end;
        if (taken != null) {
            taken.complete();
        }
    }

    /** A short plain-text error response, if the request is still the exchange's. */
    void answer(int status, String message) throws IOException {
        guard.use(
                () -> {
                    writeAnswer(status, message);
                    return null;
                },
                null);
    }

    /**
     * Makes the client see a response whose head is out fail: the request is dispatched back to
     * {@link AsgiServlet}, which throws for the attribute, and the container closes the connection
     * without completing the body (Jetty 12 and Tomcat 11 alike); completed instead when the
     * container refuses the dispatch (outside the guard, as every complete).
     */
    void abort(Throwable cause) {
        RequestEnd taken = end;
        if (taken == null) {
            // in the dispatch the head is written only with the final body, which ends the exchange
            throw new IllegalStateException("an abort before the request went async", cause);
        }
        taken.abort(cause);
    }

    /** On the container's thread, the guard released by the timeout: answer and complete. */
    void answerAndComplete(int status, String message) throws IOException {
        writeAnswer(status, message);
        async.complete();
    }

    /** On the container's thread, the guard released by the timeout: abort, else complete. */
    void abortOrComplete(Throwable cause) {
        if (!Abort.dispatch(async, cause)) {
            async.complete();
        }
    }

    /** Whether the response's head is out; on the container's thread once the guard is released. */
    boolean committed() {
        return response.isCommitted();
    }

    private void writeAnswer(int status, String message) throws IOException {
        response.reset();
        writePlain(response, status, message);
    }

    /**
     * The bridge's own short answers (500, 504, and the WebSocket handshake's 4xx/5xx): {@code
     * status message} as UTF-8 text, with its length; the caller has reset what it must.
     */
    static void writePlain(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = (status + " " + message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
