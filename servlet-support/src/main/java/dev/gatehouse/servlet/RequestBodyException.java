package dev.gatehouse.servlet;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Reading a request body failed, and whose fault it was: the client's, always — it sent a body
 * that breaks HTTP/1.1 framing, stopped sending, or went away. A bridge answers it with a status
 * and one log line, never a 500 or a stack trace, and keeps it apart from its own I/O failures
 * (a temp file that cannot be written stays a 500).
 *
 * <p>Containers report these failures each their own way, from {@code ServletInputStream.read}
 * or {@code ReadListener.onError}: Jetty 12 throws its {@code HttpException}s ({@code
 * BadMessageException}, unchecked) for a bad chunk and an {@code EofException} when the
 * connection ends mid-body; Tomcat 11 throws {@code BadRequestException} for a bad chunk and
 * {@code ClientAbortException} (a subclass) around the {@code EOFException} or reset of a client
 * that went away. {@link #of} reads the cause chain by class name, so that no container class is
 * needed at compile time, and takes anything it does not know for a connection that broke.
 */
public final class RequestBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, and the status that answers it while the response has not started. */
    public enum Fault {
        /**
         * The body breaks HTTP/1.1 framing (RFC 9112 §7.1): a chunk size that is not hex, too
         * large, or a chunk longer than its size. 400, as nginx and Apache answer it.
         */
        MALFORMED(400, "malformed request body"),
        /** The client sent nothing for the container's idle timeout. 408. */
        TIMEOUT(408, "request body timed out"),
        /**
         * The client closed or reset its connection before the end of the body. Nobody is left
         * to answer; a client that only half-closed is told 400, as nginx logs it.
         */
        GONE(400, "client closed the connection before the end of the request body");

        private final int status;
        private final String description;

        Fault(int status, String description) {
            this.status = status;
            this.description = description;
        }

        /** The status that answers it, while the response has not started. */
        public int status() {
            return status;
        }
    }

    private static final String JETTY_HTTP_EXCEPTION = "org.eclipse.jetty.http.HttpException";
    private static final String TOMCAT_BAD_REQUEST = "org.apache.coyote.BadRequestException";
    private static final String TOMCAT_CLIENT_ABORT = "org.apache.catalina.connector.ClientAbortException";

    private final Fault fault;

    /** A failure of {@code fault}; {@code detail} (may be null) says what the container saw. */
    public RequestBodyException(Fault fault, String detail, Throwable cause) {
        super(detail == null || detail.isBlank() ? fault.description : fault.description + ": " + detail, cause);
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /** The status that answers it, while the response has not started. */
    public int status() {
        return fault.status;
    }

    /**
     * What a failure to read a request body means: {@code failure} itself when it already is
     * one, else classified by its cause chain — a timeout anywhere in it first, then the first
     * link that says the connection ended ({@code EOFException}, Tomcat's {@code
     * ClientAbortException}) or that the body is malformed (Jetty's {@code HttpException}s,
     * Tomcat's {@code BadRequestException}); {@link Fault#GONE} when nothing says which.
     */
    public static RequestBodyException of(Throwable failure) {
        if (failure instanceof RequestBodyException known) {
            return known;
        }
        Fault fault = classify(failure);
        return new RequestBodyException(fault, detail(failure), failure);
    }

    /** The fault behind {@code failure} (see {@link #of}). */
    public static Fault classify(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof RequestBodyException known) {
                return known.fault;
            }
            if (t instanceof TimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof InterruptedByTimeoutException) {
                return Fault.TIMEOUT;
            }
        }
        for (Throwable t : chain) {
            // an early EOF is also a Jetty HttpException (HttpEofException): test it first
            if (t instanceof EOFException || isA(t.getClass(), TOMCAT_CLIENT_ABORT)) {
                return Fault.GONE;
            }
            if (isA(t.getClass(), JETTY_HTTP_EXCEPTION) || isA(t.getClass(), TOMCAT_BAD_REQUEST)) {
                return Fault.MALFORMED;
            }
        }
        return Fault.GONE;
    }

    /** The causes from {@code failure} down, in order, each once (a cause chain may loop). */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Whether {@code type}, a superclass or an interface of either is named {@code name}. */
    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (isA(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The container's own words, the innermost: "Invalid chunk header", "Early EOF"; or null. */
    private static String detail(Throwable failure) {
        String detail = null;
        for (Throwable t : chain(failure)) {
            String message = t.getMessage();
            // new Exception(cause) takes cause.toString() for its message: a class name
            boolean borrowed = t.getCause() != null && t.getCause().toString().equals(message);
            if (message != null && !message.isBlank() && !borrowed) {
                detail = message;
            }
        }
        return detail;
    }
}
