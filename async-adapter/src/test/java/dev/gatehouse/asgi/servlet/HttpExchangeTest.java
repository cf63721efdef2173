package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.HttpDisconnect;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.Receive;
import dev.gatehouse.asgi.Send;
import dev.gatehouse.asgi.testing.Scopes;
import dev.gatehouse.servlet.Abort;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.testing.ClientGone;
import dev.gatehouse.servlet.testing.FakeAsyncContext;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeRequest;
import dev.gatehouse.servlet.testing.FakeResponse;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HttpExchange} without a container: the servlet API is the fakes of servlet-support's
 * test-jar, the test plays the container (it makes the output ready, reports errors, expires the
 * async timeout) and the application (it sends events and ends its stage when it says), all on
 * the test's thread, so that every step is in a known order. Pinned: backpressure (nothing more
 * is written while the container is not ready, then the rest in order), a client that goes away
 * (the exchange ends as a client abort, the application hears {@code http.disconnect}), a failure
 * after the response started (aborted by a dispatch, never completed), and the table of failures
 * and the statuses they become.
 */
class HttpExchangeTest {

    private final FakeRequest request = new FakeRequest();
    private final FakeResponse response = request.fakeResponse();
    private final FakeOutputStream out = response.out();
    private final GatewayMetrics metrics = new GatewayMetrics();

    /** The application's side: what it was given, and the stage it returned, ended by the test. */
    private Send send;

    private Receive receive;
    private final CompletableFuture<Void> application = new CompletableFuture<>();

    /** Starts the exchange in the "dispatch"; the application returns a pending stage. */
    private void start() throws IOException {
        HttpExchange.start(
                request.request(),
                response.response(),
                RequestTally.begin(metrics),
                (scope, r, s) -> {
                    receive = r;
                    send = s;
                    return application;
                },
                Scopes.http("GET", "/stream"),
                30_000,
                8192);
    }

    private FakeAsyncContext async() {
        FakeAsyncContext async = request.async();
        assertTrue(async != null, "the request went async");
        return async;
    }

    private static HttpResponseBody more(String text) {
        return new HttpResponseBody(text.getBytes(StandardCharsets.US_ASCII), true);
    }

    private static HttpResponseBody last(String text) {
        return new HttpResponseBody(text.getBytes(StandardCharsets.US_ASCII), false);
    }

    /**
     * Starts and has the head and a first chunk out, flushed: the response is committed. From here
     * on the client takes one write at a time: a container's {@code isReady()} turns false only in
     * a write it could not finish.
     */
    private void committed() throws IOException {
        start();
        out.notReadyAfterWrite(true);
        send.send(new HttpResponseStart(200, List.of()));
        CompletionStage<Void> first = send.send(more("a"));
        out.makeReady(); // the container's first onWritePossible: "a" is written
        out.makeReady(); // the client took it: the flush
        assertTrue(first.toCompletableFuture().isDone(), "the first chunk was taken");
        assertTrue(response.committed(), "the chunk was flushed");
    }

    @Test
    void nothingMoreIsWrittenWhileTheContainerIsNotReadyThenTheRestInOrder() throws Exception {
        start();
        out.notReadyAfterWrite(true); // a client that takes one write at a time
        send.send(new HttpResponseStart(200, List.of()));
        CompletableFuture<Void> a = send.send(more("a")).toCompletableFuture();
        assertEquals("", out.text(), "written before the container's first onWritePossible");
        out.makeReady();
        assertEquals("a", out.text());
        assertFalse(a.isDone(), "done before the container took it (it may keep the array)");
        CompletableFuture<Void> b = send.send(more("b")).toCompletableFuture();
        CompletableFuture<Void> c = send.send(last("c")).toCompletableFuture();
        assertEquals("a", out.text(), "written while the container was not ready");
        out.makeReady();
        assertTrue(a.isDone());
        assertEquals("ab", out.text());
        assertFalse(b.isDone());
        out.makeReady();
        assertEquals("abc", out.text());
        assertFalse(async().completed(), "completed before the container took the last chunk");
        out.makeReady();
        assertTrue(b.isDone() && c.isDone());
        application.complete(null);
        assertEquals(List.of("complete"), async().calls());
        assertEquals(1, metrics.responses(2));
        assertEquals(0, metrics.active());
        assertEquals(2, out.flushes(), "each chunk with more_body flushed, the last left to the end");
    }

    @ParameterizedTest
    @MethodSource("gone")
    void aClientThatGoesAwayEndsTheExchangeAsAClientAbort(ClientGone how) throws Exception {
        committed();
        CompletableFuture<Void> pending = send.send(more("b")).toCompletableFuture();
        assertEquals("ab", out.text());
        assertFalse(pending.isDone(), "the container still holds the chunk");
        how.happen(out, async());
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertInstanceOf(ClientDisconnectedException.class, e.getCause(), "the pending send fails as ASGI says");
        assertInstanceOf(
                HttpDisconnect.class,
                receive.receive().toCompletableFuture().get(5, TimeUnit.SECONDS),
                "the application hears http.disconnect");
        assertEquals(1, metrics.clientAborts());
        assertEquals(0, metrics.active());
        assertFalse(async().dispatched(), "a client that is gone is not sent an abort");
        assertEquals("ab", out.text());
        application.complete(null); // the application ends after the exchange: nothing more happens
        assertEquals(0, metrics.responses(5));
    }

    static Stream<ClientGone> gone() {
        return Stream.of(ClientGone.WRITE_LISTENER_ERROR, ClientGone.ASYNC_LISTENER_ERROR, ClientGone.FAILING_WRITE);
    }

    @Test
    void aFailureAfterTheResponseStartedAbortsItNeverCompletesIt() throws Exception {
        committed();
        RuntimeException boom = new IllegalStateException("boom");
        application.completeExceptionally(boom);
        assertEquals(List.of("dispatch"), async().calls(), "aborted by a dispatch, not completed");
        assertSame(boom, request.attribute(Abort.ATTRIBUTE));
        ServletException thrown = assertThrows(ServletException.class, () -> Abort.rethrow(request.request()));
        assertSame(
                boom, thrown.getCause(), "the dispatch makes the servlet throw: the container closes the connection");
        assertEquals("a", out.text(), "no more body after the failure");
        assertEquals(1, metrics.responses(5));
        assertEquals(0, metrics.active());
    }

    /**
     * Each way an exchange fails, and what the client gets: a status while nothing has reached it,
     * an abort (a dispatch, the servlet then throws) once the head is out.
     *
     * @param name the row
     * @param drive what happens, after {@link #start()}
     * @param status the status the client sees (0: none, aborted)
     * @param body the body of the bridge's own answer, or null
     * @param ends how the async request ends: "complete" or "dispatch" (null: it never went async)
     * @param counted the status the request is counted with in the figures
     */
    record Failure(String name, Drive drive, int status, String body, String ends, int counted) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Drive {
        void run(HttpExchangeTest t) throws Exception;
    }

    static Stream<Failure> failures() {
        return Stream.of(
                new Failure(
                        "the application throws from handle, in the dispatch",
                        null,
                        500,
                        "500 the application failed\n",
                        null,
                        500),
                new Failure(
                        "the application fails after going async, before http.response.start",
                        t -> t.application.completeExceptionally(new IllegalStateException("boom")),
                        500,
                        "500 the application failed\n",
                        "complete",
                        500),
                new Failure(
                        "the application fails after http.response.start (not yet written)",
                        t -> {
                            t.send.send(new HttpResponseStart(201, List.of()));
                            t.application.completeExceptionally(new IllegalStateException("boom"));
                        },
                        500,
                        "500 the application failed\n",
                        "complete",
                        500),
                new Failure(
                        "the application returns without a response",
                        t -> t.application.complete(null),
                        500,
                        "500 the application failed\n",
                        "complete",
                        500),
                new Failure(
                        "the application fails after the first body chunk",
                        t -> {
                            t.send.send(new HttpResponseStart(200, List.of()));
                            t.send.send(t.more("a"));
                            t.out.makeReady();
                            t.application.completeExceptionally(new IllegalStateException("boom"));
                        },
                        0,
                        null,
                        "dispatch",
                        500),
                new Failure(
                        "the async timeout, nothing sent",
                        t -> t.async().fireTimeout(),
                        504,
                        "504 the application did not answer in time\n",
                        "complete",
                        504),
                new Failure(
                        "the async timeout after the response started",
                        t -> {
                            t.send.send(new HttpResponseStart(200, List.of()));
                            t.send.send(t.more("a"));
                            t.out.makeReady();
                            t.async().fireTimeout();
                        },
                        0,
                        null,
                        "dispatch",
                        504));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachFailureBecomesItsStatusOrAnAbort(Failure row) throws Exception {
        if (row.drive() == null) {
            HttpExchange.start(
                    request.request(),
                    response.response(),
                    RequestTally.begin(metrics),
                    (scope, r, s) -> {
                        throw new IllegalStateException("boom");
                    },
                    Scopes.http("GET", "/"),
                    30_000,
                    8192);
        } else {
            start();
            row.drive().run(this);
        }
        if (row.status() != 0) {
            assertEquals(row.status(), response.status());
            assertEquals(row.body(), out.text());
            assertFalse(response.committed() && row.ends() == null, "the dispatch's answer waits in the buffer");
        } else {
            assertEquals("a", out.text(), "nothing written after the failure");
            assertTrue(request.attribute(Abort.ATTRIBUTE) instanceof Throwable, "the abort's cause");
        }
        if (row.ends() == null) {
            assertNull(request.async(), "answered within the dispatch, not async");
        } else {
            assertEquals(List.of(row.ends()), async().calls());
        }
        assertEquals(1, metrics.responses(row.counted() / 100), "counted as " + row.counted());
        assertEquals(0, metrics.active());
        assertEquals(0, metrics.clientAborts());
    }
}
