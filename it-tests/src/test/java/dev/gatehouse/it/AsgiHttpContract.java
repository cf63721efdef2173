package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.it.asgi.AsyncProbeFilter;
import dev.gatehouse.it.asgi.Patterns;
import dev.gatehouse.it.asgi.Probe;
import dev.gatehouse.it.asgi.TestApps;
import dev.gatehouse.it.support.FilterSpec;
import dev.gatehouse.it.support.FullDuplexPost;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AsgiServlet on a real container: the ASGI HTTP and lifespan behaviour the bridge promises, with
 * the test applications of {@link TestApps}, each registered programmatically as {@code new
 * AsgiServlet(application)} (and one by class name). Every wait is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class AsgiHttpContract {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long GIB = 1L << 30;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private ServletContainer container;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy() {
        container = ServletContainer.servlets(
                kind(),
                "/asgi",
                null,
                List.of(
                        ServletSpec.of("hello", AsgiServlet.class, "/hello")
                                .param("application", TestApps.Hello.class.getName()),
                        asgi("scope", TestApps.SCOPE, "/scope/*"),
                        asgi("echo", TestApps.ECHO, "/echo"),
                        asgi("sink", TestApps.SINK, "/sink"),
                        asgi("source", TestApps.SOURCE, "/source"),
                        asgi("naive-sink", TestApps.NAIVE_SINK, "/naive-sink"),
                        asgi("naive-sink-later", TestApps.NAIVE_SINK_LATER, "/naive-sink-later"),
                        asgi("naive-source", TestApps.NAIVE_SOURCE, "/naive-source"),
                        asgi("flood", TestApps.FLOOD, "/flood"),
                        asgi("stream", TestApps.GATED_STREAM, "/stream"),
                        asgi("events", TestApps.EVENTS, "/events"),
                        asgi("until-gone", TestApps.UNTIL_GONE, "/until-gone"),
                        asgi("fail-before", TestApps.FAIL_BEFORE_START, "/fail-before"),
                        asgi("fail-after", TestApps.FAIL_AFTER_START, "/fail-after"),
                        asgi("body-before-start", TestApps.BODY_BEFORE_START, "/body-before-start"),
                        asgi("start-twice", TestApps.START_TWICE, "/start-twice"),
                        asgi("trailers", TestApps.TRAILERS, "/trailers"),
                        asgi("request-trailers", TestApps.REQUEST_TRAILERS, "/request-trailers"),
                        asgi("never", TestApps.NEVER, "/never").param("asyncTimeout", "1s"),
                        asgi("sized", TestApps.SIZED, "/sized"),
                        asgi("later", TestApps.LATER, "/later")),
                List.of(FilterSpec.of("async-probe", AsyncProbeFilter.class, "/*")));
    }

    @AfterAll
    void undeploy() {
        container.close();
    }

    private static ServletSpec asgi(String name, dev.gatehouse.asgi.AsgiApplication app, String mapping) {
        return ServletSpec.instance(name, new AsgiServlet(app), mapping);
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(container.uri(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private byte[] request(String method, String target, String... headers) {
        StringBuilder head = new StringBuilder(
                method + " " + container.base().getPath() + target + " HTTP/1.1\r\n" + "Host: 127.0.0.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(US_ASCII);
    }

    @Test
    void helloWorldByClassName() throws Exception {
        HttpResponse<String> response = get("hello");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("12", response.headers().firstValue("content-length").orElseThrow());
        assertEquals("Hello, ASGI\n", response.body());
    }

    /**
     * An answer made inside {@code handle} whose body is small for the response buffer is written within
     * the container's dispatch: the request never goes async, and the container still sends a
     * Content-Length. Repeated {@code content-type}: the last one, on both containers.
     */
    @Test
    void smallAnswerInsideHandleIsWrittenWithinTheDispatch() throws Exception {
        String token = token();
        HttpResponse<String> response = get("sized?t=" + token);
        assertEquals(200, response.statusCode());
        assertEquals(List.of("text/plain"), response.headers().allValues("content-type"));
        assertEquals("13", response.headers().firstValue("content-length").orElseThrow());
        assertEquals("x".repeat(13), response.body());
        assertEquals("false", Probe.awaitRecord(token + ".async", WAIT));
    }

    /** A body larger than the response buffer, or an answer after handle returned: async. */
    @ParameterizedTest
    @ValueSource(strings = {"sized?t=size=1048576&", "later?t="})
    void largerOrLaterAnswersGoAsync(String target) throws Exception {
        String query = target + token(); // the probe's token is all of the query after "t="
        HttpResponse<String> response = get(query);
        assertEquals(200, response.statusCode());
        if (target.startsWith("sized")) {
            assertEquals("x".repeat(1 << 20), response.body());
            assertEquals(
                    String.valueOf(1 << 20),
                    response.headers().firstValue("content-length").orElseThrow());
        } else {
            assertEquals("later\n", response.body());
        }
        assertEquals("true", Probe.awaitRecord(query.substring(query.indexOf("?t=") + 3) + ".async", WAIT));
    }

    @Test
    void scopeFromTheRequest() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("scope/a%20b?x=1&y=%41"))
                        .header("X-Test", "one")
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(
                "method=GET\npath=/asgi/scope/a b\nroot_path=/asgi/scope\nquery_string=x=1&y=%41\n"
                        + "http_version=1.1\nscheme=http\nx-test=[one]\nclient=127.0.0.1\nstate={}\n",
                response.body());
    }

    @Test
    void echoesTenMegabytesFullDuplex() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(body);
        String t = token();
        FullDuplexPost.Result result = FullDuplexPost.post(container.uri("echo?t=" + t), body, false);
        assertEquals(200, result.status());
        assertEquals(body.length, result.bodyBytes());
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
        assertTrue(
                Probe.counter(t + ".max").get() <= 65536,
                "largest chunk " + Probe.counter(t + ".max").get());
    }

    /**
     * Bodies with a declared length below readBufferSize: the bridge reads them into a buffer of
     * exactly that size (at least one byte), so the last read must still end the body.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 13, 65535})
    void echoesASmallDeclaredBody(int length) throws Exception {
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);
        FullDuplexPost.Result result = FullDuplexPost.post(container.uri("echo?t=" + token()), body, false);
        assertEquals(200, result.status());
        assertEquals(length, result.bodyBytes());
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
    }

    @Test
    void echoesAChunkedUpload() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(body);
        FullDuplexPost.Result result = FullDuplexPost.post(container.uri("echo?t=" + token()), body, true);
        assertEquals(200, result.status());
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
    }

    @Test
    void streamsTheFirstChunkBeforeTheLastIsSent() throws Exception {
        String t = token();
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "stream?t=" + t));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            InputStream body = raw.body(head);
            // the application sends "second" only after the gate opens, so this proves streaming
            assertEquals("first\n", new String(body.readNBytes(6), US_ASCII));
            Probe.open(t);
            assertEquals("second\nthird\n", new String(body.readAllBytes(), US_ASCII));
        }
    }

    @Test
    void serverSentEventsArriveAsTheyAreSent() throws Exception {
        String t = token();
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "events?t=" + t, "Accept: text/event-stream", "Connection: close"));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("Content-Type"));
            InputStream body = raw.body(head);
            for (int i = 0; i <= 3; i++) {
                String event = "id: " + i + "\ndata: event " + i + "\n\n";
                assertEquals(event, new String(body.readNBytes(event.length()), US_ASCII));
                if (i < 3) {
                    Probe.open(t + "." + (i + 1)); // the next event is sent only now
                }
            }
            assertEquals(-1, body.read());
        }
    }

    @Test
    void uploadOfOneGibibyteWithBoundedMemory() throws Exception {
        String t = token();
        URI uri = container.uri("sink?t=" + t);
        long start = System.nanoTime();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request("POST", "sink?t=" + t, "Content-Length: " + GIB, "Connection: close"));
            byte[] chunk = Patterns.chunk(Patterns.CHUNK);
            for (long sent = 0; sent < GIB; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("\r\n\r\n" + GIB + " " + Long.toHexString(Patterns.crcOf(GIB))), response);
        }
        assertTrue(
                Probe.counter(t + ".max").get() <= 65536,
                "largest chunk " + Probe.counter(t + ".max").get());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos());
    }

    @Test
    void downloadOfOneGibibyteWithBoundedMemory() throws Exception {
        String t = Long.toString(GIB);
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "source?t=" + t, "Connection: close"));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals(Long.toString(GIB), head.header("Content-Length"));
            InputStream body = raw.body(head);
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
            assertEquals(GIB, total);
            assertEquals(Patterns.crcOf(GIB), crc.getValue());
        }
        assertTrue(Probe.counter(t + ".inflight.max").get() <= 65536);
    }

    /**
     * Issue 13 item 5: an application that consumes the body by recursive {@code thenCompose}
     * (no loop helper) survives a 1 GiB upload, streamed from the client as it is generated.
     * Before the bridge bounded the nesting of stages that complete at once, it died of
     * StackOverflowError on Jetty and the client saw a broken connection.
     */
    @Test
    void naiveRecursiveConsumerOfOneGibibyte() throws Exception {
        uploadOneGibibyte("naive-sink");
    }

    /**
     * The naive recursive consumer begun from a thread of the application's own after {@code
     * handle} returned: its receives find the exchange idle and are done on that thread, so the
     * bridge hands the continuation to a container thread every 64 events (a FreshStackStage).
     * Before that hop became race-free, about one run in ten stalled until asyncTimeout under load,
     * on Jetty and on Tomcat alike: a StackOverflowError in a loop task, too deep even to be logged.
     */
    @Test
    void naiveRecursiveConsumerOnAnApplicationThread() throws Exception {
        uploadOneGibibyte("naive-sink-later");
    }

    /** POSTs 1 GiB of {@link Patterns#chunk} to {@code path}; the answer must be its size and CRC. */
    void uploadOneGibibyte(String path) throws Exception {
        try (Socket socket =
                new Socket(container.base().getHost(), container.base().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request("POST", path, "Content-Length: " + GIB, "Connection: close"));
            byte[] chunk = Patterns.chunk(Patterns.CHUNK);
            for (long sent = 0; sent < GIB; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("\r\n\r\n" + GIB + " " + Long.toHexString(Patterns.crcOf(GIB))), response);
        }
    }

    /** The same for a response: 1 GiB produced by recursive send composition, read and counted. */
    @Test
    void naiveRecursiveProducerOfOneGibibyte() throws Exception {
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "naive-source?t=" + GIB, "Connection: close"));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            InputStream body = raw.body(head);
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
            assertEquals(GIB, total);
            assertEquals(Patterns.crcOf(GIB), crc.getValue());
        }
    }

    @Test
    void slowClientHoldsTheSendStages() throws Exception {
        String t = token();
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "flood?t=" + t, "Connection: close"));
            // the client reads nothing: the sends stall with one stage waiting
            long stalled = awaitStall(Probe.counter(t + ".sent"));
            assertEquals(1, Probe.counter(t + ".waiting").get(), "one send stage is held");
            long stalledBytes = stalled * Patterns.CHUNK;
            assertTrue(
                    stalledBytes < 64L * 1024 * 1024, "sent " + stalledBytes + " bytes to a client that reads nothing");
            Probe.open(t + ".stop");
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            long total = 0;
            InputStream body = raw.body(head);
            byte[] buffer = new byte[65536];
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
            }
            assertTrue(total >= stalledBytes && total % Patterns.CHUNK == 0, "read " + total);
        }
    }

    /** Waits until {@code counter} stops moving for a second; returns its value. */
    private static long awaitStall(java.util.concurrent.atomic.AtomicLong counter) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(1000);
        }
        throw new AssertionError("the sends never stalled: " + counter.get() + " completed");
    }

    @Test
    void clientDisconnectMidStream() throws Exception {
        String t = token();
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            raw.write(request("GET", "until-gone?t=" + t));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("tick\n", new String(raw.body(head).readNBytes(5), US_ASCII));
        }
        assertEquals("http.disconnect", Probe.awaitRecord(t + ".pending", WAIT));
        assertEquals("ClientDisconnectedException", Probe.awaitRecord(t + ".send", WAIT));
        assertEquals("ClientDisconnectedException", Probe.awaitRecord(t + ".later", WAIT));
    }

    @Test
    void failureBeforeStartIs500() throws Exception {
        HttpResponse<String> response = get("fail-before");
        assertEquals(500, response.statusCode());
        assertEquals("500 the application failed\n", response.body());
    }

    @Test
    void failureAfterStartAbortsTheConnection() throws Exception {
        try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
            // keep-alive: with Connection: close a container may end the body by closing instead of chunking
            raw.write(request("GET", "fail-after"));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            InputStream body = raw.body(head);
            assertEquals("partial\n", new String(body.readNBytes(8), US_ASCII));
            assertThrows(EOFException.class, body::readAllBytes, "the chunked body must not end cleanly");
        }
    }

    @Test
    void bodyBeforeStartFailsTheSendAndAnswers500() throws Exception {
        String t = token();
        HttpResponse<String> response = get("body-before-start?t=" + t);
        assertEquals(500, response.statusCode());
        assertEquals(
                "dev.gatehouse.asgi.AsgiProtocolException: http.response.body in state START:"
                        + " http.response.start must come first",
                Probe.awaitRecord(t, WAIT));
    }

    @Test
    void startTwiceFailsTheSecondStartOnly() throws Exception {
        String t = token();
        HttpResponse<String> response = get("start-twice?t=" + t);
        assertEquals(200, response.statusCode());
        assertEquals("once\n", response.body());
        assertEquals(
                "dev.gatehouse.asgi.AsgiProtocolException: http.response.start in state STARTED:"
                        + " http.response.start was already sent",
                Probe.awaitRecord(t, WAIT));
    }

    @Test
    void responseTrailersOnChunkedHttp11() throws Exception {
        RawHttp.Response response = RawHttp.exchange(
                container.base(), request("GET", "trailers", "TE: trailers", "Connection: close"), true, WAIT);
        assertEquals(200, response.head().status());
        assertEquals("chunked", response.head().header("Transfer-Encoding"));
        Chunked chunked = Chunked.decode(response.body());
        assertEquals("data\nmore\n", chunked.body());
        assertEquals(
                List.of("x-checksum: abc123"),
                chunked.trailers().stream()
                        .map(s -> s.toLowerCase(java.util.Locale.ROOT))
                        .toList());
    }

    @Test
    void requestTrailersReachTheApplication() throws Exception {
        byte[] head = request(
                "POST", "request-trailers", "Transfer-Encoding: chunked", "Trailer: X-Sum", "Connection: close");
        byte[] body = "5\r\nhello\r\n0\r\nX-Sum: 42\r\n\r\n".getBytes(US_ASCII);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head);
        all.writeBytes(body);
        RawHttp.Response response = RawHttp.exchange(container.base(), all.toByteArray(), false, WAIT);
        assertEquals(200, response.head().status());
        assertEquals("body=5\ntrailers=[[b\"x-sum\", b\"42\"]]\n", response.text());
    }

    @Test
    void asyncTimeoutAnswers504AndDisconnectsTheApplication() throws Exception {
        String t = token();
        HttpResponse<String> response = get("never?t=" + t);
        assertEquals(504, response.statusCode());
        assertEquals("http.disconnect", Probe.awaitRecord(t, WAIT));
    }

    @Test
    void lifespanStateReachesEveryRequestAndShutdownRunsOnDestroy() throws Exception {
        String t = token();
        try (ServletContainer own = ServletContainer.servlets(
                kind(), "/life", null, List.of(asgi("app", TestApps.withLifespan(t), "/app/*")))) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(own.uri("app/x")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("state={greeting=hello from startup}\n"), response.body());
        }
        assertEquals("lifespan.shutdown", Probe.awaitRecord(t, WAIT));
    }

    /**
     * lifespan.startup.failed fails the servlet's init with the application's message. What
     * follows is the container's choice: Jetty fails the deployment (the server does not start);
     * Tomcat starts the context without the servlet and answers 500, retrying init (and with it
     * startup) on each request. Either way no request reaches the application.
     */
    @Test
    void lifespanStartupFailureFailsTheServlet() throws Exception {
        String t = token();
        List<ServletSpec> servlets = List.of(asgi("app", TestApps.failingStartup(t), "/app/*"));
        if (kind() == ServletContainer.Kind.JETTY) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> ServletContainer.servlets(kind(), "/life", null, servlets)
                            .close());
            assertTrue(causes(e).contains("lifespan.startup.failed: no database"), causes(e));
            assertEquals(1, Probe.counter(t + ".startup").get());
        } else {
            try (ServletContainer own = ServletContainer.servlets(kind(), "/life", null, servlets)) {
                assertEquals(1, Probe.counter(t + ".startup").get());
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(own.uri("app/x")).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(500, response.statusCode());
                assertEquals(2, Probe.counter(t + ".startup").get(), "Tomcat retries init for the request");
            }
        }
        assertEquals(0, Probe.counter(t + ".http").get(), "no request reached the application");
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }

    /** A chunked body decoded by hand, keeping the trailer fields that RawHttp drops. */
    record Chunked(String body, List<String> trailers) {
        static Chunked decode(byte[] raw) {
            String text = new String(raw, ISO_8859_1);
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = text.indexOf("\r\n", at);
                int size =
                        Integer.parseInt(text.substring(at, eol).split(";")[0].strip(), 16);
                at = eol + 2;
                if (size == 0) {
                    break;
                }
                body.append(text, at, at + size);
                at += size + 2;
            }
            List<String> trailers = new java.util.ArrayList<>();
            for (int eol; (eol = text.indexOf("\r\n", at)) > at; at = eol + 2) {
                trailers.add(text.substring(at, eol));
            }
            return new Chunked(body.toString(), trailers);
        }
    }
}
