package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FullDuplexPost;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.MultipartBody;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.WsClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The sample WAR, deployed unchanged, serves its index page, its CGI demos and its async demos. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SampleWarContract {

    private final HttpClient http = HttpClient.newHttpClient();
    private ServletContainer container;

    abstract ServletContainer.Kind kind();

    /** Whether the container unpacks the WAR; when not, the servlet copies its scripts out. */
    boolean unpack() {
        return true;
    }

    @BeforeAll
    void deploy() {
        container = ServletContainer.war(kind(), ServletContainer.sampleWar(), "/sample", unpack());
    }

    @AfterAll
    void undeploy() throws InterruptedException {
        // every process the sample started (its managed php-fpm and workers) ends with it
        assertEquals(List.of(), Processes.closeAndAwaitChildren(container, Await.LIMIT), "left behind by the sample");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(container.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void indexLinksTheDemos() throws Exception {
        HttpResponse<String> response = get("");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("cgi-bin/env.sh"), response.body());
        assertTrue(response.body().contains("php/hello.php"), response.body());
        for (String demo : ASYNC_DEMOS) {
            assertTrue(response.body().contains("href=\"" + demo + "\""), demo);
        }
    }

    @Test
    void phpPageIsServedByTheManagedPhpFpm() throws Exception {
        // managedBackend=auto: php-fpm is installed here (.ci/run installs it), so the servlet runs it
        HttpResponse<String> response = get("php/hello.php/some/path?name=Ada");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("fpm-fcgi", response.headers().firstValue("X-PHP-SAPI").orElseThrow());
        assertTrue(response.body().contains("<h1>Hello, Ada, from PHP "), response.body());
        assertTrue(response.body().contains("<tr><th>PATH_INFO</th><td>/some/path</td></tr>"), response.body());
        assertFalse(response.body().contains("<?php"), response.body());
        List<ProcessHandle> fpm = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").contains("php-fpm"))
                .toList();
        assertTrue(fpm.size() >= 2, "a php-fpm master and workers run under this JVM: " + fpm);
    }

    @Test
    void shellScriptRuns() throws Exception {
        HttpResponse<String> response = get("cgi-bin/hello.sh");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Hello from sh\n", response.body());
    }

    @Test
    void nestedPythonScriptSeesPathInfo() throws Exception {
        HttpResponse<String> response = get("cgi-bin/sub/info.py/any/extra?q=1");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("SCRIPT_NAME=/sample/cgi-bin/sub/info.py\n"), response.body());
        assertTrue(response.body().contains("PATH_INFO=/any/extra\n"), response.body());
        assertTrue(response.body().contains("QUERY_STRING=q=1\n"), response.body());
    }

    @Test
    void perlFormUsesCgiPm() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("cgi-bin/form.pl"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Ada+%3Cb%3E"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("<p>Hello, Ada &lt;b&gt;!</p>"), response.body());
    }

    @Test
    void localRedirectIsServedInside() throws Exception {
        HttpResponse<String> response = get("cgi-bin/redirect.sh?local");
        assertEquals(200, response.statusCode());
        assertEquals("Hello from sh\n", response.body());
    }

    @Test
    void clientRedirectReachesTheClient() throws Exception {
        HttpResponse<String> response = get("cgi-bin/redirect.sh");
        assertEquals(302, response.statusCode());
        assertEquals(
                container.uri("index.html").toString(),
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void nphScriptSetsItsOwnStatusLine() throws Exception {
        HttpResponse<String> response = get("cgi-bin/nph-time.sh");
        assertEquals(200, response.statusCode());
        assertEquals("yes", response.headers().firstValue("X-NPH").orElseThrow());
    }

    @Test
    void scriptsAreNotServedAsFiles() throws Exception {
        assertEquals(404, get("WEB-INF/cgi/hello.sh").statusCode());
        assertEquals(404, get("cgi-bin/missing.sh").statusCode());
    }

    // ==== async demos (dev.gatehouse.sample.asgi through AsgiServlet) ====

    private static final List<String> ASYNC_DEMOS = List.of("async/echo", "async/clock", "async/chat", "async/sha256");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void eachAsyncDemoServesItsPage() throws Exception {
        for (String demo : ASYNC_DEMOS) {
            HttpResponse<String> response = get(demo);
            assertEquals(200, response.statusCode(), demo);
            assertEquals("text/html;charset=utf-8", contentType(response), demo);
            assertTrue(response.body().contains("<a href=\"../\">Back to the index</a>"), demo);
        }
    }

    @Test
    void echoStreams5MegabytesBackWithTheirContentType() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024 + 3];
        new Random(5).nextBytes(body);
        // full duplex: the echo answers while the body is still arriving
        FullDuplexPost.Result result = FullDuplexPost.post(container.uri("async/echo"), body, false);
        assertEquals(200, result.status());
        assertEquals("application/octet-stream", result.headers().get("content-type"));
        assertEquals(body.length, result.bodyBytes());
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
    }

    @Test
    void echoOfAChunkedBody() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("async/echo"))
                        .header("Content-Type", "text/csv; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("text/csv;charset=utf-8", contentType(response));
        assertEquals("a,b\n1,2\n", response.body());
    }

    @Test
    void clockStreamsEventsThenEnds() throws Exception {
        HttpResponse<String> response = get("async/clock?stream&count=2");
        assertEquals(200, response.statusCode());
        assertTrue(
                response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"),
                response.headers().map().toString());
        assertTrue(
                Pattern.matches(
                        "id: 1\ndata: \\S+\n\nid: 2\ndata: \\S+\n\nevent: end\ndata: 2 events sent\n\n",
                        response.body()),
                response.body());
    }

    @Test
    void clockStopsWhenTheClientDisconnects() throws Exception {
        try (LogCapture log = LogCapture.install("dev.gatehouse.sample.asgi.ClockApp")) {
            String target = container.base().getRawPath() + "async/clock?stream&count=60";
            try (RawHttp raw = RawHttp.connect(container.base(), WAIT)) {
                raw.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                RawHttp.Head head = raw.readHead();
                assertEquals(200, head.status());
                InputStream events = raw.body(head);
                assertTrue(RawHttp.readLine(events).startsWith("id: 1"));
                RawHttp.readLine(events); // data: …
                RawHttp.readLine(events); // blank line
                assertTrue(RawHttp.readLine(events).startsWith("id: 2"));
            } // the client goes away after two events
            List<String> seen =
                    log.await(messages -> messages.stream().anyMatch(m -> m.contains("client disconnected")), WAIT);
            assertTrue(
                    seen.stream()
                            .anyMatch(m -> m.matches("clock: stream ended after [2-6] events: client disconnected")),
                    seen.toString());
        }
    }

    @Test
    void sha256OfA20MegabyteChunkedUpload() throws Exception {
        byte[] body = new byte[20 * 1024 * 1024];
        new Random(20).nextBytes(body);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("async/sha256"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(FullDuplexPost.sha256(body) + "  " + body.length + "  -\n", response.body());
    }

    @Test
    void sha256OfTheFilesOfAForm() throws Exception {
        byte[] file = new byte[3 * 1024 * 1024 + 1];
        new Random(3).nextBytes(file);
        MultipartBody form = new MultipartBody("----gatehouse" + System.nanoTime())
                .field("note", "not hashed")
                .file("file", "random.bin", "application/octet-stream", file)
                .file("file", "abc.txt", "text/plain", "abc".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("async/sha256"))
                        .header("Content-Type", form.contentType())
                        .header("Accept", "application/json")
                        .POST(form.publisher(false))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(
                "{\"files\":[{\"field\":\"file\",\"filename\":\"random.bin\",\"sha256\":\""
                        + FullDuplexPost.sha256(file) + "\",\"bytes\":" + file.length
                        + "},{\"field\":\"file\",\"filename\":\"abc.txt\",\"sha256\":"
                        + "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\"bytes\":3}]}\n",
                response.body());
    }

    @Test
    void sha256OfAMalformedFormIs400() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("async/sha256"))
                        .header("Content-Type", "multipart/form-data; boundary=xyz")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\ncut"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals(
                "400 malformed multipart/form-data: the body ended before the closing boundary --xyz--\n",
                response.body());
    }

    @Test
    void chatBroadcastsMessagesAndAnnouncesJoinsAndLeaves() throws Exception {
        URI chat = URI.create(container.uri("async/chat").toString().replaceFirst("^http", "ws"));
        WsClient ada = WsClient.connect(http, URI.create(chat + "?nick=Ada"), true);
        assertEquals(text("{\"type\":\"join\",\"nick\":\"Ada\",\"members\":1}"), ada.next(WAIT));
        WsClient bob = WsClient.connect(http, URI.create(chat + "?nick=Bob"), true);
        assertEquals(text("{\"type\":\"join\",\"nick\":\"Bob\",\"members\":2}"), ada.next(WAIT));
        assertEquals(text("{\"type\":\"join\",\"nick\":\"Bob\",\"members\":2}"), bob.next(WAIT));

        ada.socket().sendText("hello <b>", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        WsClient.Text said = text("{\"type\":\"message\",\"nick\":\"Ada\",\"text\":\"hello <b>\"}");
        assertEquals(said, ada.next(WAIT));
        assertEquals(said, bob.next(WAIT));

        bob.socket().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(text("{\"type\":\"leave\",\"nick\":\"Bob\",\"members\":1,\"reason\":\"left\"}"), ada.next(WAIT));

        ada.socket().sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1}), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new WsClient.Closed(1003, "text messages only"), ada.next(WAIT));
    }

    private static WsClient.Text text(String text) {
        return new WsClient.Text(text);
    }

    /** The Content-Type without spaces: Tomcat writes {@code a;b} what Jetty writes {@code a; b}. */
    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElseThrow().replace(" ", "");
    }
}
