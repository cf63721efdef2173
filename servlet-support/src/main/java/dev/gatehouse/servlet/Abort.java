package dev.gatehouse.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;

/**
 * The portable way to end an async response whose head is already out so that the client sees it
 * failed, never a truncated body that looks complete: the failure is put in a request attribute
 * and the request dispatched back to its servlet, whose {@code service} throws it ({@link
 * #rethrow}); the container then closes the connection without ending the body (Jetty 12 and
 * Tomcat 11 alike). Every bridge (CGI, FastCGI proxy, ASGI) aborts this way.
 */
public final class Abort {

    /**
     * The request attribute that carries the failure back to the servlet: one name for every
     * bridge, so that whichever Gatehouse servlet the dispatch reaches throws it.
     */
    public static final String ATTRIBUTE = "dev.gatehouse.abort";

    private static final System.Logger LOG = SafeLogger.of(Abort.class.getName());

    private Abort() {}

    /**
     * Within a use of the request's {@link ContainerGuard}: leaves {@code cause} in {@link
     * #ATTRIBUTE} and dispatches the request back. False when the container refuses the dispatch;
     * the caller then completes the request, after leaving the guard (a container may run {@code
     * onComplete}, which waits for the uses in progress, before {@code complete()} returns).
     */
    public static boolean dispatch(AsyncContext async, Throwable cause) {
        async.getRequest().setAttribute(ATTRIBUTE, cause);
        try {
            async.dispatch();
            return true;
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "the container refused the abort dispatch: {0}", e.getMessage());
            return false;
        }
    }

    /**
     * First thing in the servlet's {@code service}: throws the failure a {@link #dispatch} left in
     * {@code attribute}, which makes the container close the connection; does nothing otherwise.
     */
    public static void rethrow(ServletRequest request) throws ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC
                && request.getAttribute(ATTRIBUTE) instanceof Throwable failure) {
            request.removeAttribute(ATTRIBUTE);
            throw new ServletException("response aborted after its head was sent: " + failure.getMessage(), failure);
        }
    }
}
