package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.FastCgiStatsServlet;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ScriptTree;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.TempDirProbe;
import dev.gatehouse.it.support.UncaughtExceptions;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and cut-off request bodies, sent over a raw socket to every body path of both
 * gateways: the client's fault, so it is answered 400 while an answer is possible (a client that
 * hung up may see the connection closed instead), never 500 or silence; it is logged as one line
 * without a stack trace; no spooled body is left in the context's temp dir, no script keeps
 * running (none starts for a buffered body; a streamed one's is killed), and no FastCGI
 * connection stays busy.
 *
 * <p>One container serves, beside a {@link TempDirProbe} and the FastCGI pool statistics:
 *
 * <pre>
 * /cgi/*     CgiServlet, defaults (the body is read whole before a slot is asked for)
 * /nobuf/*   CgiServlet, requestBuffering=false (a chunked body is spooled after admission,
 *            a Content-Length body streams to stdin)
 * /stream/*  CgiServlet, requestBuffering=false, chunkedBody=stream (every body streams)
 * /php/*     FastCgiProxyServlet, defaults (the body is read whole before a connection is taken)
 * /phpnobuf/*  FastCgiProxyServlet, requestBuffering=false (chunked bodies are still spooled,
 *            a Content-Length body streams as STDIN)
 * </pre>
 *
 * Each body starts with a valid chunk (or part of a Content-Length body) past the 64 KiB a spool
 * keeps in memory, so that a temp file exists when the body breaks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MalformedBodyContract {

    private static final String CTX = "/gh";
    private static final Duration READ = Duration.ofSeconds(15);
    /** Past the 64 KiB kept in memory by both spools. */
    private static final int PREFIX = 100_000;

    private static final String RAW_SHA =
            "<?php echo 'length=', $_SERVER['CONTENT_LENGTH'], ' sha1=', sha1(file_get_contents('php://input'));";

    @RegisterExtension
    static final PhpFpm fpm = new PhpFpm().maxChildren(2);

    /** Where each servlet reads a body, and the script behind it that would read it all. */
    enum Target {
        CGI("cgi/body-digest.py"),
        CGI_NOBUF("nobuf/body-digest.py"),
        CGI_STREAM("stream/body-digest.py"),
        PHP("php/rawsha.php"),
        PHP_NOBUF("phpnobuf/rawsha.php");

        final String path;

        Target(String path) {
            this.path = path;
        }

        boolean fastCgi() {
            return this == PHP || this == PHP_NOBUF;
        }
    }

    /** A broken body: what follows the valid prefix, and whether the client then half-closes. */
    enum Form {
        /** RFC 9112 §7.1: a chunk size is hex digits. */
        SIZE_NOT_HEX(true, "zz\r\nhello\r\n0\r\n\r\n", false),
        /** A size followed by a character that is neither an extension nor the line's end. */
        GARBAGE_AFTER_SIZE(true, "5@\r\nhello\r\n0\r\n\r\n", false),
        /** A size beyond 64 bits. */
        SIZE_OVERFLOW(true, "10000000000000000\r\nhello\r\n0\r\n\r\n", false),
        /** More data than the chunk announced: no CRLF where the chunk ends. */
        CHUNK_LONGER_THAN_ITS_SIZE(true, "3\r\nabcdef\r\n0\r\n\r\n", false),
        /** The client stops in the middle of a chunk and half-closes. */
        CUT_IN_A_CHUNK(true, "a\r\nabcde", true),
        /** The client stops short of its Content-Length and half-closes. */
        CUT_BEFORE_CONTENT_LENGTH(false, "", true);

        final boolean chunked;
        final String tail;
        final boolean hangUp;

        Form(boolean chunked, String tail, boolean hangUp) {
            this.chunked = chunked;
            this.tail = tail;
            this.hangUp = hangUp;
        }
    }

    private ServletContainer container;
    private UncaughtExceptions uncaught;
    private final TempDirProbe tempDirProbe = new TempDirProbe();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start(@TempDir Path temp) throws IOException {
        Path root = ScriptTree.copy("cgi-scripts", temp.resolve("scripts"))
                .resolve("root")
                .toRealPath();
        fpm.writeScript("php/rawsha.php", RAW_SHA);
        fpm.writeScript("phpnobuf/rawsha.php", RAW_SHA);
        String backend = "127.0.0.1:" + fpm.address().getPort();
        uncaught = UncaughtExceptions.install("gatehouse-");
        container = ServletContainer.servlets(
                kind(),
                CTX,
                fpm.documentRoot(),
                List.of(
                        cgi("cgi", "/cgi/*", root),
                        cgi("nobuf", "/nobuf/*", root).param("requestBuffering", "false"),
                        cgi("stream", "/stream/*", root)
                                .param("requestBuffering", "false")
                                .param("chunkedBody", "stream"),
                        proxy("php", "/php/*", backend),
                        proxy("phpnobuf", "/phpnobuf/*", backend).param("requestBuffering", "false"),
                        ServletSpec.of("stats", FastCgiStatsServlet.class, "/__stats/*"),
                        ServletSpec.instance("tempdir", tempDirProbe, "/tempdir")));
        assertNotNull(tempDirProbe.tempDir(), "the temp dir probe is initialised with its context");
    }

    private static ServletSpec cgi(String name, String mapping, Path root) {
        return ServletSpec.of(name, CgiServlet.class, mapping).param("scriptRoot", root.toString());
    }

    private static ServletSpec proxy(String name, String mapping, String backend) {
        return ServletSpec.of(name, FastCgiProxyServlet.class, mapping)
                .param("backend", backend)
                .param("maxConnections", "2");
    }

    @AfterAll
    void stop() {
        if (container != null) {
            container.close();
        }
        if (uncaught != null) {
            uncaught.close();
        }
    }

    @AfterEach
    void noGatewayThreadDied() {
        assertEquals(List.of(), uncaught.drain(), "gateway threads ended by an uncaught exception");
    }

    static Stream<Arguments> cases() {
        return Arrays.stream(Target.values())
                .flatMap(t -> Arrays.stream(Form.values()).map(f -> Arguments.of(t, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aBrokenBodyIs400WithOneLogLineAndLeavesNothingBehind(Target target, Form form) throws Exception {
        String path = CTX + "/" + target.path;
        try (LogCapture all = LogCapture.install("");
                LogCapture gateway = LogCapture.install(
                        target.fastCgi() ? FastCgiProxyServlet.class.getName() : CgiServlet.class.getName())) {
            Integer status = send(target, form);
            if (form.hangUp || closesUnanswered(target)) {
                assertTrue(status == null || status == 400, "400 or closed, never another status, got " + status);
            } else {
                assertEquals(400, status, "status for " + form);
            }
            List<String> lines = gateway.await(m -> !about(m, path).isEmpty(), Await.LIMIT);
            awaitNoSpoolFile();
            if (target.fastCgi()) {
                awaitNotBusy(target == Target.PHP ? "php" : "phpnobuf");
            } else {
                awaitNoScript();
            }
            lines = about(gateway.messages(), path);
            assertEquals(1, lines.size(), "one log line about " + path + ": " + gateway.messages());
            String line = lines.get(0);
            assertTrue(!line.contains("\n") && !line.contains("\tat "), "one line, no stack trace: " + line);
            assertTrue(line.contains("request body"), "the line says the request body was at fault: " + line);
            assertEquals(List.of(), all.thrown(), "nothing logged with a stack trace");
        }
    }

    /**
     * Whether the container closes the connection by itself, leaving nothing to answer with: Tomcat
     * does when a read inside a {@code ReadListener} call fails ({@code CoyoteAdapter.asyncDispatch}
     * then calls {@code onError} and closes at once). So on Tomcat every non-blocking body path may
     * end closed; only the blocking read of a chunked body spooled after admission ({@code
     * /nobuf/}) always gets its 400. Jetty answers 400 on every path.
     */
    private boolean closesUnanswered(Target target) {
        return kind() == ServletContainer.Kind.TOMCAT && target != Target.CGI_NOBUF;
    }

    /** Sends the broken body; the status answered, or null when the connection was closed without one. */
    private Integer send(Target target, Form form) throws IOException {
        byte[] data = new byte[PREFIX];
        Arrays.fill(data, (byte) 'x');
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        String head = "POST " + CTX + "/" + target.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + (form.chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + 2 * PREFIX + "\r\n")
                + "\r\n";
        request.writeBytes(head.getBytes(ISO_8859_1));
        if (form.chunked) {
            request.writeBytes((Integer.toHexString(PREFIX) + "\r\n").getBytes(ISO_8859_1));
            request.writeBytes(data);
            request.writeBytes("\r\n".getBytes(ISO_8859_1));
        } else {
            request.writeBytes(data);
        }
        request.writeBytes(form.tail.getBytes(ISO_8859_1));
        try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
            raw.write(request.toByteArray());
            if (form.hangUp) {
                raw.shutdownOutput();
            }
            try {
                RawHttp.Head response = raw.readHead();
                if (response.status() == 100) {
                    fail("no Expect was sent, yet 100 Continue came");
                }
                return response.status();
            } catch (EOFException | SocketException e) {
                if (!form.hangUp && !closesUnanswered(target)) {
                    throw new AssertionError("no answer to a malformed body: " + e, e);
                }
                return null;
            }
        }
    }

    /** The captured lines that name {@code path}. */
    private static List<String> about(List<String> messages, String path) {
        return messages.stream().filter(m -> m.contains(path)).toList();
    }

    /** The request-body spool files of either gateway in the context's temporary directory. */
    private List<Path> spoolFiles() {
        try (Stream<Path> files = Files.list(tempDirProbe.tempDir())) {
            return files.filter(f -> f.getFileName().toString().startsWith("gatehouse-body-")
                            || f.getFileName().toString().startsWith("gatehouse-fastcgi-body-"))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitNoSpoolFile() throws InterruptedException {
        Await.until(() -> spoolFiles().isEmpty(), () -> "request body files left: " + spoolFiles());
    }

    /**
     * Waits until no script of this test runs: not started for a buffered body, killed for a
     * streamed one. (Not {@code NoProcessLeftBehind}: php-fpm runs beside it for the whole class.)
     */
    private static void awaitNoScript() throws InterruptedException {
        Await.until(() -> scripts().isEmpty(), () -> "a script still runs after the broken body: " + scripts());
    }

    private static List<String> scripts() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .filter(c -> c.contains("body-digest.py"))
                .toList();
    }

    /** Waits until the proxy servlet {@code name} holds no busy backend connection. */
    private void awaitNotBusy(String name) throws InterruptedException {
        String[] last = {""};
        Await.until(
                () -> (last[0] = stats(name)).contains("busy=0"),
                () -> "a FastCGI connection still busy after the broken body: " + last[0]);
    }

    private String stats(String name) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(container.uri("__stats/" + name))
                            .timeout(READ)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return "(no answer: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
