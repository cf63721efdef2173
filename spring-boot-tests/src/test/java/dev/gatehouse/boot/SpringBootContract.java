package dev.gatehouse.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ScriptTree;
import dev.gatehouse.it.support.WsClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2: {@link GatehouseApplication}, a Spring Boot 4 application registering the CGI
 * servlet, the FastCGI proxy with a managed php-fpm and an {@code AsgiServlet} through their
 * typed API, answers each (a CGI script and its local redirect, a PHP page, async HTTP and a
 * WebSocket), then ends as a Boot application ends: SIGTERM, on which the JVM runs Boot's
 * shutdown hook, which closes the context and with it the web server and the servlets, while the
 * managed backend's own hook runs beside it. Once the JVM has exited, no php-fpm process and no
 * {@code gatehouse-fcgi-*} directory may remain.
 *
 * <p>Why the application runs in a JVM of its own: only a JVM that really exits runs its shutdown
 * hooks, all at once, and only its own class path decides the container. Each subclass gives the
 * JVM the test's class path less the other container's jars (what a Boot application on Jetty
 * has once it excludes {@code spring-boot-starter-tomcat}), so Boot's auto-configuration picks
 * the container as it would for a user, with no test-only bean in the application.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SpringBootContract {

    /** The application's start, JVM included, on a loaded machine; it takes a few seconds. */
    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** The container of a subclass: its web server's class name, and the jars it must not see. */
    enum Container {
        TOMCAT("Tomcat", List.of("jetty-", "spring-boot-jetty-", "spring-boot-starter-jetty-")),
        JETTY(
                "Jetty",
                List.of(
                        "tomcat-embed-core-",
                        "tomcat-embed-websocket-",
                        "spring-boot-tomcat-",
                        "spring-boot-starter-tomcat-"));

        final String webServerPrefix;
        final List<String> leftOut;

        Container(String webServerPrefix, List<String> leftOut) {
            this.webServerPrefix = webServerPrefix;
            this.leftOut = leftOut;
        }
    }

    /** Dropped after the class, so the leak guard sees its selector collected and closed. */
    private HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(LIMIT)
            .build();

    /** The application's java.io.tmpdir: where the managed backend makes its directory. */
    private Path tmp;

    private Path log;
    private Process jvm;
    private int port;

    abstract Container container();

    @BeforeAll
    void start(@TempDir Path work) throws IOException, InterruptedException {
        Path site = ScriptTree.copy("boot-site", work.resolve("site"));
        // directly under /tmp: the backend's Unix socket path must stay short
        tmp = Files.createTempDirectory(Path.of("/tmp"), "gh-boot-");
        log = work.resolve("application.log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                classPath(container()),
                BootLauncher.class.getName(),
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--gatehouse.cgi-root=" + site.resolve("cgi-bin"),
                "--gatehouse.www-root=" + site.resolve("www"));
        jvm = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        jvm.getOutputStream().close();
        Await.until(
                START_LIMIT,
                () -> line(BootLauncher.READY).isPresent() || !jvm.isAlive(),
                () -> "the application did not start:\n" + output());
        String[] ready = line(BootLauncher.READY)
                .orElseThrow(() -> new AssertionError("the application ended at start:\n" + output()))
                .split(" ");
        port = Integer.parseInt(ready[0]);
        assertTrue(ready[1].startsWith(container().webServerPrefix), "the web server Boot started: " + ready[1]);
    }

    @AfterAll
    void stop() throws IOException, InterruptedException {
        http = null;
        try {
            if (jvm != null && jvm.isAlive()) {
                // a test failed before the application ended: end it as the last test does, then
                // kill whatever of it is left
                List<ProcessHandle> all = jvm.descendants().toList();
                jvm.destroy();
                if (!jvm.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    jvm.destroyForcibly();
                }
                all.forEach(ProcessHandle::destroyForcibly);
                Processes.awaitGone(all.stream().map(ProcessHandle::pid).toList(), LIMIT);
            }
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    @Test
    @Order(1)
    void aCgiScriptAnswers() throws Exception {
        HttpResponse<String> hello = get("/cgi-bin/hello.sh?x=1");
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("hello from CGI\nSCRIPT_NAME=/cgi-bin/hello.sh\nQUERY_STRING=x=1\n", hello.body());
    }

    @Test
    @Order(1)
    void aCgiLocalRedirectIsServedInside() throws Exception {
        HttpResponse<String> redirected = get("/cgi-bin/redirect.sh");
        assertEquals(200, redirected.statusCode(), redirected.body());
        assertEquals(Optional.empty(), redirected.headers().firstValue("Location"));
        assertEquals("hello from CGI\nSCRIPT_NAME=/cgi-bin/hello.sh\nQUERY_STRING=from=redirect\n", redirected.body());
    }

    @Test
    @Order(1)
    void aPhpPageAnswersFromTheManagedPhpFpm() throws Exception {
        HttpResponse<String> page = get("/php/hello.php");
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("fpm-fcgi SCRIPT_NAME=/php/hello.php\n", page.body());
        assertTrue(
                jvm.descendants().anyMatch(SpringBootContract::isPhpFpm),
                "php-fpm runs as the application's child: " + describe(jvm.descendants()));
    }

    @Test
    @Order(1)
    void theAsyncApplicationAnswersHttp() throws Exception {
        HttpResponse<String> greeting = get("/app/greet?who=boot");
        assertEquals(200, greeting.statusCode(), greeting.body());
        // both containers write it as text/plain;charset=utf-8
        assertEquals(
                "text/plain;charset=utf-8",
                greeting.headers().firstValue("Content-Type").orElse("").replace("; ", ";"));
        assertEquals("hello from /app/greet\n", greeting.body());
    }

    @Test
    @Order(1)
    void theAsyncApplicationEchoesOverAWebSocket() throws Exception {
        WsClient client = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/app/echo"), true);
        client.socket().sendText("ping", true).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new WsClient.Text("ping"), client.next(LIMIT));
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        client.socket().sendBinary(ByteBuffer.wrap(bytes), true).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        WsClient.Event echoed = client.next(LIMIT);
        assertTrue(echoed instanceof WsClient.Binary b && Arrays.equals(bytes, b.bytes()), "binary echoed: " + echoed);
        client.socket().sendClose(1000, "").get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new WsClient.Closed(1000, ""), client.next(LIMIT));
    }

    /**
     * Last: SIGTERM, as {@code kill}, systemd or a container runtime ends the application. The JVM
     * must exit through its hooks (status 143), Boot's having closed the context, and leave no
     * php-fpm process (an unreaped zombie counts as gone) and no {@code gatehouse-fcgi-*}
     * directory in its temp directory.
     */
    @Test
    @Order(2)
    void endingTheApplicationLeavesNoPhpFpmAndNoBackendDirectory() throws Exception {
        List<ProcessHandle> started = jvm.descendants().toList();
        assertTrue(started.stream().anyMatch(SpringBootContract::isPhpFpm), "php-fpm runs: " + describe(started));
        assertEquals(1, backendDirectories().size(), "the managed backend's directory, before: " + listTmp());

        jvm.destroy(); // SIGTERM
        assertTrue(jvm.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS), "the JVM did not exit:\n" + output());
        String output = output();
        assertEquals(143, jvm.exitValue(), "exited as on SIGTERM, after its hooks:\n" + output);
        assertEquals(
                Optional.of("SpringApplicationShutdownHook"),
                line(BootLauncher.CLOSED),
                "Boot's shutdown hook closed the context:\n" + output);
        List<Long> pids = started.stream().map(ProcessHandle::pid).toList();
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "processes of the application left running");
        assertEquals(List.of(), backendDirectories(), "left in the application's temp directory:\n" + output);
        assertFalse(output.contains("NoClassDefFoundError"), output);
        assertFalse(output.contains("Exception in thread"), output);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(LIMIT)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** The test's class path less the jars of the container this application must not see. */
    private static String classPath(Container container) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> {
                    String name = Path.of(entry).getFileName().toString();
                    return container.leftOut.stream().noneMatch(name::startsWith);
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean isPhpFpm(ProcessHandle p) {
        return p.info().command().map(c -> c.contains("php-fpm")).orElse(false);
    }

    private static String describe(Stream<ProcessHandle> processes) {
        return describe(processes.toList());
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream()
                .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private List<Path> backendDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("gatehouse-fcgi-"))
                    .toList();
        }
    }

    private String listTmp() throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString())
                    .sorted()
                    .toList()
                    .toString();
        }
    }

    /** The text after {@code prefix} on the first line of the application's output that starts so. */
    private Optional<String> line(String prefix) {
        return output().lines().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()));
    }

    private String output() {
        try {
            return new String(Files.readAllBytes(log), UTF_8); // mid-write: a cut character is replaced
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
