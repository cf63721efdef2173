package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestBodyException.Fault;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.coyote.BadRequestException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RequestBodyException#of} on the exceptions Jetty 12 and Tomcat 11 really throw from a
 * request body's read or report to {@code ReadListener.onError} (a unit test: the containers' own
 * classes, no container): a malformed body is 400, a client that went away is gone, a silent one
 * 408 — and the line it logs is the container's own words, with no class name.
 */
class RequestBodyFaultTest {

    record Case(String name, Throwable thrown, Fault fault, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> thrown() throws Exception {
        return Stream.of(
                // Jetty: HttpInput rethrows the parser's failure as it is (unchecked)
                new Case(
                        "Jetty bad chunk",
                        new BadMessageException(400, "Bad chunk char: 122"),
                        Fault.MALFORMED,
                        "Bad chunk char: 122"),
                new Case(
                        "Jetty HttpException.RuntimeException",
                        new HttpException.RuntimeException(400, "Bad Request"),
                        Fault.MALFORMED,
                        "Bad Request"),
                new Case(
                        "Jetty bad chunk wrapped in an IOException",
                        new IOException(new BadMessageException(400, "Bad chunking")),
                        Fault.MALFORMED,
                        "Bad chunking"),
                new Case("Jetty early EOF", jettyHttpEof(), Fault.GONE, null),
                new Case("Jetty EofException", new EofException("Closed"), Fault.GONE, "Closed"),
                new Case(
                        "Jetty idle timeout",
                        new IOException(new TimeoutException("Idle timeout expired: 30000/30000 ms")),
                        Fault.TIMEOUT,
                        "Idle timeout expired: 30000/30000 ms"),
                // Tomcat: ChunkedInputFilter's BadRequestException as it is, the rest as ClientAbortException
                new Case(
                        "Tomcat invalid chunk header",
                        new BadRequestException("Invalid chunk header"),
                        Fault.MALFORMED,
                        "Invalid chunk header"),
                new Case(
                        "Tomcat client abort (EOF)",
                        new ClientAbortException(new EOFException("Unexpected EOF read on the socket")),
                        Fault.GONE,
                        "Unexpected EOF read on the socket"),
                new Case(
                        "Tomcat client abort (EOF without a message)",
                        new ClientAbortException(new EOFException()),
                        Fault.GONE,
                        null),
                new Case(
                        "Tomcat client abort (reset)",
                        new ClientAbortException(new IOException("Connection reset by peer")),
                        Fault.GONE,
                        "Connection reset by peer"),
                new Case(
                        "Tomcat read timeout",
                        new ClientAbortException(new SocketTimeoutException("Read timed out")),
                        Fault.TIMEOUT,
                        "Read timed out"),
                // what no container names: a broken connection
                new Case("plain IOException", new IOException("Broken pipe"), Fault.GONE, "Broken pipe"),
                new Case(
                        "the container recycled the request",
                        new IllegalStateException("not in async state"),
                        Fault.GONE,
                        "not in async state"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("thrown")
    void eachContainerFailureHasItsFault(Case c) {
        RequestBodyException e = RequestBodyException.of(c.thrown);
        assertEquals(c.fault, e.fault());
        assertEquals(c.fault == Fault.TIMEOUT ? 408 : 400, e.status());
        assertSame(c.thrown, e.getCause());
        String message = e.getMessage();
        assertTrue(message.startsWith(prefix(c.fault)), message);
        if (c.detail != null) {
            assertTrue(message.endsWith(": " + c.detail), message);
        }
        assertTrue(!message.contains("Exception") && !message.contains("\n"), message);
    }

    @Test
    void aFaultAlreadyKnownIsKept() {
        RequestBodyException known = new RequestBodyException(Fault.MALFORMED, "x", null);
        assertSame(known, RequestBodyException.of(known));
        assertEquals(Fault.MALFORMED, RequestBodyException.classify(new IOException(known)));
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertEquals(Fault.GONE, RequestBodyException.of(a).fault());
    }

    private static String prefix(Fault fault) {
        return switch (fault) {
            case MALFORMED -> "malformed request body";
            case TIMEOUT -> "request body timed out";
            case GONE -> "client closed the connection before the end of the request body";
        };
    }

    /** Jetty's own early-EOF failure (package-private): an EofException that is also an HttpException. */
    private static Throwable jettyHttpEof() throws Exception {
        Class<?> type = Class.forName("org.eclipse.jetty.server.internal.HttpConnection$HttpEofException");
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        return (Throwable) constructor.newInstance();
    }
}
