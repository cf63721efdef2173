package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.meta.ScriptLocation;
import dev.gatehouse.fastcgi.client.Backend;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import dev.gatehouse.fastcgi.client.FastCgiClientException;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.cgi.CgiRequests;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.RequestTally;
import dev.gatehouse.servlet.testing.ClientGone;
import dev.gatehouse.servlet.testing.Conditions;
import dev.gatehouse.servlet.testing.FakeAsyncContext;
import dev.gatehouse.servlet.testing.FakeOutputStream;
import dev.gatehouse.servlet.testing.FakeRequest;
import dev.gatehouse.servlet.testing.FakeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProxyExchange} without a container: a real {@link FastCgiClient} over a real socket to a
 * scripted {@link Responder} on 127.0.0.1, the servlet API the fakes of servlet-support's
 * test-jar, the test playing the container (it makes the output ready, reports errors). Pinned:
 * backpressure (nothing more reaches a client that is not ready; then the rest in order), a
 * client that goes away (counted as a client abort, the backend request aborted or its connection
 * closed), a backend failure after the head went out (aborted by a dispatch, never completed),
 * and the table of backend failures and the statuses they become.
 */
class ProxyExchangeTest {

    private static final String HEAD = "Status: 200\r\nContent-Type: text/plain\r\n\r\n";

    @TempDir
    Path dir;

    private final FakeRequest request = new FakeRequest().uri("/index.php");
    private final FakeResponse response = request.fakeResponse();
    private final FakeOutputStream out = response.out();
    /** What the responder saw the proxy do with each request it gave up: ABORT_REQUEST or closed. */
    private final List<String> backendEnds = new CopyOnWriteArrayList<>();

    private Responder responder;
    private ProxyRuntime runtime;
    private FakeAsyncContext async;

    @AfterEach
    void stop() throws IOException {
        if (runtime != null) {
            runtime.client().close();
            runtime.close();
        }
        if (responder != null) {
            responder.close();
        }
    }

    /** Proxies the fake request to {@code script}'s responder under init-params {@code params}. */
    private void proxy(Responder.Script script, Map<String, String> params) throws IOException {
        responder = new Responder(script);
        proxy(responder.address(), params);
    }

    private void proxy(String backend, Map<String, String> params) throws IOException {
        Map<String, String> all = new HashMap<>(params);
        all.put("backend", backend);
        FastCgiConfig config = FastCgiConfig.parse(all::get);
        FastCgiClient client =
                new FastCgiClient(FastCgiProxyServlet.clientConfig(config), List.of(Backend.parse(backend)), false);
        runtime = new ProxyRuntime(
                config,
                config.policy("Gatehouse-test"),
                client,
                dir,
                new SpoolBudget(1 << 20, 1 << 20, 4),
                ConcurrentHashMap.newKeySet(),
                Executors.newSingleThreadScheduledExecutor(),
                new GatewayMetrics());
        async = (FakeAsyncContext) request.request().startAsync();
        new ProxyExchange(runtime, target(), async, RequestTally.begin(runtime.metrics()))
                .send(CgiRequests.from(request.request()));
    }

    private ScriptLocation target() {
        return new ScriptLocation(
                "/index.php", "", null, dir.resolve("index.php").toString(), dir.toString(), "/index.php");
    }

    private GatewayMetrics metrics() {
        return runtime.metrics();
    }

    private void awaitEnd() {
        Conditions.await(
                "the request ends", () -> metrics().active() == 0 && (async.completed() || async.dispatched()));
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(Conditions.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the test did not let the responder go on");
        }
    }

    @Test
    void nothingMoreReachesAClientThatIsNotReadyThenTheRestInOrder() throws Exception {
        out.notReadyAfterWrite(true);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch sent = new CountDownLatch(1);
        proxy(
                conn -> {
                    conn.stdout(HEAD + "one");
                    await(go);
                    conn.stdout("two");
                    conn.stdout("three");
                    conn.end(0);
                    sent.countDown();
                },
                Map.of("responseBuffering", "false"));
        Conditions.await("the first piece is written", () -> out.text().equals("one"));
        go.countDown();
        await(sent);
        assertEquals("one", out.text(), "written while the client was not ready (the fake would have thrown)");
        Conditions.await("the rest is written", () -> {
            if (!out.isReady()) {
                try {
                    out.makeReady();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return async.completed();
        });
        awaitEnd();
        assertEquals("onetwothree", out.text());
        assertEquals(List.of("complete"), async.calls());
        assertEquals("text/plain", response.contentType());
        assertEquals(1, metrics().responses(2));
        assertEquals(0, metrics().clientAborts());
    }

    @ParameterizedTest
    @EnumSource(ClientGone.class)
    void aClientThatGoesAwayIsAClientAbortAndTheBackendRequestIsGivenUp(ClientGone how) throws Exception {
        out.notReadyAfterWrite(true);
        proxy(
                conn -> {
                    conn.stdout(HEAD + "one");
                    backendEnds.add(conn.awaitEnd());
                },
                Map.of());
        Conditions.await("the first piece is written", () -> out.text().equals("one"));
        how.happen(out, async);
        Conditions.await("the backend request is given up", () -> !backendEnds.isEmpty());
        assertTrue(List.of("ABORT_REQUEST", "closed").contains(backendEnds.get(0)), backendEnds.toString());
        Conditions.await("the request ends", () -> metrics().active() == 0);
        assertEquals(1, metrics().clientAborts());
        assertFalse(async.dispatched(), "no abort for a client that is gone");
        assertEquals("one", out.text());
        assertEquals(0, metrics().responses(5));
        assertEquals(0, runtime.budget().memoryUsed());
    }

    @Test
    void aBackendFailureAfterTheHeadAbortsTheResponseNeverCompletesIt() throws Exception {
        proxy(
                conn -> {
                    conn.stdout(HEAD + "one");
                    conn.drop();
                },
                Map.of());
        awaitEnd();
        assertEquals(List.of("dispatch"), async.calls(), "aborted by a dispatch, not completed");
        assertInstanceOf(FastCgiClientException.class, request.attribute(dev.gatehouse.servlet.Abort.ATTRIBUTE));
        assertEquals("one", out.text());
        assertEquals(1, metrics().failures());
        assertEquals(0, metrics().clientAborts());
    }

    /**
     * A backend failure and what the client gets.
     *
     * @param script what the backend does, or null for no backend at all
     * @param params init-params
     * @param status the status answered (0: aborted after the head, by a dispatch)
     * @param counted the status the request is counted with
     * @param retryAfter the Retry-After header, or null
     */
    record Failure(
            String name,
            Responder.Script script,
            Map<String, String> params,
            int status,
            int counted,
            String retryAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Failure> failures() {
        return Stream.of(
                new Failure("no backend accepts the connection", null, Map.of(), 502, 502, null),
                new Failure(
                        "the backend is silent past readTimeout",
                        Responder.Conn::awaitEnd,
                        Map.of("readTimeout", "1s"),
                        504,
                        504,
                        null),
                new Failure(
                        "END_REQUEST with OVERLOADED",
                        conn -> conn.end(2),
                        Map.of("queueTimeout", "7s"),
                        503,
                        503,
                        "7"),
                new Failure("the connection drops before any output", Responder.Conn::drop, Map.of(), 502, 502, null),
                new Failure(
                        "a malformed record",
                        conn -> conn.raw(new byte[] {9, 6, 0, 1, 0, 0, 0, 0}),
                        Map.of(),
                        502,
                        502,
                        null),
                new Failure(
                        "a malformed CGI header block",
                        conn -> {
                            conn.stdout("no colon here\r\n\r\n");
                            conn.end(0);
                        },
                        Map.of(),
                        502,
                        502,
                        null),
                new Failure(
                        "the backend is silent past readTimeout after the head",
                        conn -> {
                            conn.stdout(HEAD + "one");
                            conn.awaitEnd();
                        },
                        Map.of("readTimeout", "1s"),
                        0,
                        504,
                        null));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachBackendFailureBecomesItsStatus(Failure row) throws Exception {
        if (row.script() == null) {
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String address = "127.0.0.1:" + closed.getLocalPort();
                closed.close();
                proxy(address, row.params());
            }
        } else {
            proxy(row.script(), row.params());
        }
        awaitEnd();
        if (row.status() == 0) {
            assertEquals(List.of("dispatch"), async.calls());
            assertInstanceOf(FastCgiClientException.class, request.attribute(dev.gatehouse.servlet.Abort.ATTRIBUTE));
            assertEquals("one", out.text());
        } else {
            assertEquals(List.of(row.status()), response.errors());
            assertEquals(row.retryAfter(), response.header("Retry-After"));
            assertEquals(List.of("sendError " + row.status(), "complete"), response.journal());
            assertEquals("", out.text());
        }
        assertEquals(1, metrics().responses(row.counted() / 100));
        assertEquals(row.counted() == 502 ? 1 : 0, metrics().failures());
        assertEquals(row.counted() == 503 ? 1 : 0, metrics().rejected());
        assertEquals(row.counted() == 504 ? 1 : 0, metrics().timedOut());
    }

    /** Every connection busy and no room to queue (PoolExhaustedException): 503 with Retry-After. */
    @Test
    void aRequestBeyondThePoolIs503WithRetryAfter() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        proxy(
                conn -> {
                    holding.countDown();
                    backendEnds.add(conn.awaitEnd());
                },
                Map.of("maxConnections", "1", "maxQueued", "0", "queueTimeout", "7s"));
        await(holding);
        FakeRequest second = new FakeRequest().uri("/index.php");
        FakeAsyncContext secondAsync = (FakeAsyncContext) second.request().startAsync();
        new ProxyExchange(runtime, target(), secondAsync, RequestTally.begin(metrics()))
                .send(CgiRequests.from(second.request()));
        Conditions.await("the second request ends", secondAsync::completed);
        assertEquals(List.of("sendError 503", "complete"), second.fakeResponse().journal());
        assertEquals("7", second.fakeResponse().header("Retry-After"));
        assertEquals(1, metrics().rejected());
        assertEquals(1, metrics().active(), "the first request still runs");
    }
}
