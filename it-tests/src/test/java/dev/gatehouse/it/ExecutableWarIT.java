package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FullDuplexPost;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.WsClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's run command: {@code java -jar gatehouse-sample.war}, here in a JVM with a 32 MiB
 * heap, so that any body held whole in memory would fail with OutOfMemoryError.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutableWarIT {

    private static final Pattern URL = Pattern.compile("Gatehouse sample on (http://\\S+)");
    private static final int HEAP_MB = 32;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process server;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        server = new ProcessBuilder(
                        java,
                        "-Xmx" + HEAP_MB + "m",
                        "-jar",
                        ServletContainer.sampleWar().toString(),
                        "--port",
                        "0")
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("[sample] " + line);
                    Matcher m = URL.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the sample exited before it printed its address");
        });
        base = URI.create(url.get(60, TimeUnit.SECONDS));
        Thread pump = new Thread(() -> out.lines().forEach(l -> System.out.println("[sample] " + l)));
        pump.setDaemon(true);
        pump.start();
    }

    @AfterAll
    void stop() throws Exception {
        List<Long> started = server.descendants().map(ProcessHandle::pid).toList();
        server.destroy(); // SIGTERM, as a service manager stops it; Ctrl-C runs the same shutdown hooks
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
        List<Long> left = Processes.awaitGone(started, Await.LIMIT);
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertEquals(List.of(), left, "processes of the sample (its managed php-fpm) left after it stopped");
    }

    @Test
    void servesPhpThroughItsOwnPhpFpm() throws Exception {
        HttpResponse<String> hello = http.send(
                HttpRequest.newBuilder(base.resolve("php/hello.php?name=jar")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("fpm-fcgi", hello.headers().firstValue("X-PHP-SAPI").orElseThrow());
        assertTrue(hello.body().contains("Hello, jar, from PHP"), hello.body());
        assertTrue(
                server.descendants().anyMatch(p -> p.info().command().orElse("").contains("php-fpm")),
                "php-fpm runs under the sample's JVM");
    }

    @Test
    void servesIndexAndCgi() throws Exception {
        assertEquals("127.0.0.1", base.getHost());
        HttpResponse<String> index =
                http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("Gatehouse sample"));
        HttpResponse<String> hello = http.send(
                HttpRequest.newBuilder(base.resolve("cgi-bin/hello.sh")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, hello.statusCode());
        assertEquals("Hello from sh\n", hello.body());
    }

    @Test
    void downloads50MegabytesThroughASmallHeap() throws Exception {
        long size = 50L * 1024 * 1024;
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(base.resolve("cgi-bin/download.sh?bytes=" + size))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        long total = 0;
        byte[] buf = new byte[65536];
        byte[] zeros = new byte[65536];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                got.update(buf, 0, n);
                want.update(zeros, 0, n);
                total += n;
            }
        }
        assertEquals(size, total);
        assertArrayEquals(want.digest(), got.digest());
        assertTrue(server.isAlive(), "the server survived");
    }

    @Test
    void echoes10MegabytePostThroughASmallHeap() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(body);
        FullDuplexPost.Result result = FullDuplexPost.post(base.resolve("cgi-bin/echo.pl"), body, false);
        assertEquals(200, result.status());
        assertEquals(Integer.toString(body.length), result.headers().get("x-content-length"));
        assertEquals(body.length, result.bodyBytes());
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
    }

    @Test
    void spoolsAChunkedPostToSetContentLength() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(body);
        FullDuplexPost.Result result = FullDuplexPost.post(base.resolve("cgi-bin/echo.pl"), body, true);
        assertEquals(200, result.status());
        assertEquals(Integer.toString(body.length), result.headers().get("x-content-length"));
        assertEquals(FullDuplexPost.sha256(body), result.bodySha256());
    }

    @Test
    void chatWorksOverWebSocket() throws Exception {
        // the runner enables Jakarta WebSocket in its embedded Jetty, as Tomcat does by itself
        URI chat = URI.create(base.resolve("async/chat?nick=Jar").toString().replaceFirst("^http", "ws"));
        Duration wait = Duration.ofSeconds(20);
        WsClient client = WsClient.connect(http, chat, true);
        assertEquals(new WsClient.Text("{\"type\":\"join\",\"nick\":\"Jar\",\"members\":1}"), client.next(wait));
        client.socket().sendText("hi", true).get(wait.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new WsClient.Text("{\"type\":\"message\",\"nick\":\"Jar\",\"text\":\"hi\"}"), client.next(wait));
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(wait.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1000, ((WsClient.Closed) client.next(wait)).code());
    }

    @Test
    void servesTheAsyncDemoPages() throws Exception {
        HttpResponse<String> index =
                http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
        for (String demo : new String[] {"async/echo", "async/clock", "async/chat", "async/sha256"}) {
            assertTrue(index.body().contains("href=\"" + demo + "\""), demo);
            HttpResponse<String> page =
                    http.send(HttpRequest.newBuilder(base.resolve(demo)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), demo);
            assertTrue(page.body().contains("Gatehouse async demo"), demo);
        }
    }

    @Test
    void hashesA1GibibyteUploadThroughASmallHeap() throws Exception {
        long size = 1L << 30;
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("async/sha256"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, want)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("[sample] 1 GiB hashed by async/sha256 in " + millis + " ms");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(HexFormat.of().formatHex(want.digest()) + "  " + size + "  -\n", response.body());
        assertTrue(server.isAlive(), "the server survived");
    }

    /** {@code size} generated bytes, fed to {@code digest} as they are read: no 1 GiB array here either. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private final byte[] block = new byte[65536];
        private long position;

        PatternStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
            new Random(1).nextBytes(block);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                // the block, shifted by one byte each time round, so that no two blocks are equal
                long p = position + i;
                b[off + i] = (byte) (block[(int) (p % block.length)] + (p / block.length));
            }
            digest.update(b, off, n);
            position += n;
            return n;
        }
    }
}
