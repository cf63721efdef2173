package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ScriptTree;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.UncaughtExceptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that do not read hold a CGI script slot no longer than the script's {@code timeout}
 * or the {@code writeTimeout} (issue 10, item 3): the connection is aborted, the script killed
 * and the slot free for the next request long before the container's own idle timeout (Jetty
 * 30 s, Tomcat 60 s), which is what held it before.
 *
 * <pre>
 * /stall/*     timeout=2s, maxConcurrent=2, maxQueued=0 (writeTimeout at its 30 s default)
 * /deadline/*  writeTimeout=1s, maxConcurrent=1, maxQueued=0 (timeout at its 60 s default)
 * </pre>
 *
 * The clients are raw sockets with a small receive buffer that send a request and read nothing;
 * {@code big.sh} writes 16 MiB, more than every buffer on the way holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CgiSlowClientContract {

    private static final String CONTEXT = "/gh";
    /** Well below the containers' idle timeouts, which held the slot before. */
    private static final Duration FREED_WITHIN = Duration.ofSeconds(8);

    private final Instant started = Instant.now();
    private final AtomicInteger ids = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<RawHttp> clients = new ArrayList<>();

    private ServletContainer container;
    private UncaughtExceptions uncaught;
    private Path runDir;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start(@TempDir Path temp) throws IOException {
        Path root = ScriptTree.copy("cgi-scripts", temp.resolve("scripts"))
                .resolve("root")
                .toRealPath();
        runDir = Files.createDirectories(temp.resolve("run")).toRealPath();
        uncaught = UncaughtExceptions.install("gatehouse-");
        container = ServletContainer.servlets(
                kind(),
                CONTEXT,
                Files.createDirectories(temp.resolve("docroot")),
                List.of(
                        cgi("stall", "/stall/*", root)
                                .param("timeout", "2s")
                                .param("maxConcurrent", "2")
                                .param("maxQueued", "0"),
                        cgi("deadline", "/deadline/*", root)
                                .param("writeTimeout", "1s")
                                .param("maxConcurrent", "1")
                                .param("maxQueued", "0")));
    }

    private ServletSpec cgi(String name, String mapping, Path root) {
        return ServletSpec.of(name, CgiServlet.class, mapping)
                .param("scriptRoot", root.toString())
                .param("environment", "RUN_DIR=" + runDir);
    }

    @AfterAll
    void stop() throws IOException {
        for (RawHttp client : clients) {
            client.close();
        }
        if (container != null) {
            container.close();
        }
        if (uncaught != null) {
            uncaught.close();
        }
        // safety net only, so that a failed test leaves nothing running: kill by recorded pid
        if (runDir != null) {
            try (Stream<Path> files = Files.list(runDir)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    Processes.killIfStartedAfter(
                            Long.parseLong(Files.readString(file).strip()), started);
                }
            }
        }
    }

    @AfterEach
    void noGatewayThreadDied() {
        assertEquals(List.of(), uncaught.drain(), "gateway threads ended by an uncaught exception");
    }

    @Test
    void clientsThatDoNotReadAreAbortedAtTheScriptTimeoutAndFreeTheirSlots() throws Exception {
        List<RawHttp> stalled = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "stall-" + ids.incrementAndGet();
            stalled.add(sendAndNeverRead("stall/big.sh?" + id));
            pids.add(Long.parseLong(Processes.awaitFile(runDir.resolve(id + ".pid"), Await.LIMIT)));
        }
        long since = System.nanoTime();
        // both slots are taken: the test means something
        assertEquals(503, status("stall/hello.sh"), "both slots should be held by the stalled clients");
        Await.until(
                FREED_WITHIN,
                () -> status("stall/hello.sh") == 200,
                () -> "a slot is still held by a client that does not read, "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)
                        + " ms after both scripts were running (timeout 2 s)");
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "scripts still running");
        for (RawHttp client : stalled) {
            assertEquals("aborted", howItEnded(client), "the response must not look complete");
        }
    }

    @Test
    void aClientThatTakesNothingForTheWriteTimeoutIsAbortedAndItsScriptKilled() throws Exception {
        try (LogCapture log = LogCapture.install(CgiServlet.class.getName())) {
            String id = "deadline-" + ids.incrementAndGet();
            RawHttp client = sendAndNeverRead("deadline/big.sh?" + id);
            long pid = Long.parseLong(Processes.awaitFile(runDir.resolve(id + ".pid"), Await.LIMIT));
            long since = System.nanoTime();
            assertEquals(503, status("deadline/hello.sh"), "the one slot should be held by the stalled client");
            Await.until(
                    FREED_WITHIN,
                    () -> status("deadline/hello.sh") == 200,
                    () -> "the slot is still held, writeTimeout 1 s, "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)
                            + " ms after the script started");
            assertEquals(List.of(), Processes.awaitGone(List.of(pid), Await.LIMIT), "script still running");
            assertEquals("aborted", howItEnded(client), "the response must not look complete");
            List<String> lines = log.messages().stream()
                    .filter(m -> m.contains("/big.sh") && !m.contains("503"))
                    .toList();
            assertEquals(1, lines.size(), "one line for the stalled client: " + lines);
            assertTrue(lines.get(0).contains("writeTimeout"), lines.get(0));
        }
    }

    /** Sends a GET on a connection with a small receive buffer, and reads nothing. */
    private RawHttp sendAndNeverRead(String relative) throws IOException {
        RawHttp client = RawHttp.connect(container.base(), Await.LIMIT, 4096);
        clients.add(client);
        client.write(("GET " + CONTEXT + "/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + container.base().getPort() + "\r\nConnection: close\r\n\r\n")
                .getBytes(ISO_8859_1));
        return client;
    }

    /**
     * Reads what the server sent: "complete" for a whole response, "aborted" for one cut short
     * (closed or reset), "open" when the connection still stalls after the read timeout.
     */
    private static String howItEnded(RawHttp client) {
        try {
            RawHttp.Head head = client.readHead();
            long length = client.body(head).transferTo(OutputStream.nullOutputStream());
            return length == 16L << 20 ? "complete" : "aborted";
        } catch (SocketTimeoutException e) {
            return "open";
        } catch (IOException e) {
            return "aborted";
        }
    }

    private int status(String relative) {
        try {
            HttpRequest request = HttpRequest.newBuilder(container.uri(relative))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build();
            return http.send(request, BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
