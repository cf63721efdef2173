package dev.gatehouse.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ScriptTree;
import dev.gatehouse.it.support.SendThenRead;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.TempDirProbe;
import dev.gatehouse.it.support.UncaughtExceptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CGI servlet's observable behaviour (RFC 3875) on a real container, with real sh, perl and
 * python3 scripts from {@code src/test/resources/cgi-scripts}. One container per class serves
 * several servlet instances that differ only in their init-params:
 *
 * <pre>
 * /cgi/*     defaults                         /stream/*  chunkedBody=stream
 * /short/*   timeout=2s                       /spool/*   maxSpoolBytes=65536
 * /one/*     maxConcurrent=1, maxQueued=0     /auth/*    passAuthorization=true
 * /two/*     maxConcurrent=2, maxQueued=0     /nobuf/*   requestBuffering=false
 * /nobuf-spool/*  requestBuffering=false, maxSpoolBytes=65536
 * /budget/*  spoolDiskBytes=4 MiB, clientBodyTimeout=8s, maxSpoolBytes=32 MiB
 * /single/*  maxSpooling=1
 * </pre>
 *
 * Every servlet also sets {@code RUN_DIR} (init-param environment), a directory where scripts
 * leave pid files and wait for flag files named after their QUERY_STRING.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CgiBehaviourContract {

    private static final String CONTEXT = "/gh";
    private static final Duration READ = Duration.ofSeconds(15);
    private static final List<String> PASS_ENV = List.of("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE");
    /** Variables /bin/sh sets for itself, not the gateway. */
    private static final Set<String> SHELL_OWN = Set.of("PWD", "OLDPWD", "SHLVL", "_");

    /** The disk budget of the {@code budget} servlet: room for four 1 MiB spools. */
    private static final int BUDGET_DISK = 4 << 20;

    private final Instant started = Instant.now();
    private final AtomicInteger ids = new AtomicInteger();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cgi-it-reader");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private ServletContainer container;
    private UncaughtExceptions uncaught;
    private Path root;
    private Path docRoot;
    private Path runDir;
    private final TempDirProbe tempDirProbe = new TempDirProbe();

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void start(@TempDir Path temp) throws IOException {
        Path scripts = ScriptTree.copy("cgi-scripts", temp.resolve("scripts"));
        root = scripts.resolve("root").toRealPath();
        // inside the root by name, outside it once resolved
        Files.createSymbolicLink(root.resolve("link.sh"), Path.of("../outside.sh"));
        // an upload directory inside the root: a file there has an interpreter, not the execute bit
        Path uploaded = Files.createDirectories(root.resolve("uploads")).resolve("evil.sh");
        Files.writeString(uploaded, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\necho ran\n");
        Files.setPosixFilePermissions(uploaded, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        docRoot = Files.createDirectories(temp.resolve("docroot")).toRealPath();
        runDir = Files.createDirectories(temp.resolve("run")).toRealPath();
        uncaught = UncaughtExceptions.install("gatehouse-");
        container = ServletContainer.servlets(
                kind(),
                CONTEXT,
                docRoot,
                List.of(
                        cgi("cgi", "/cgi/*"),
                        cgi("short", "/short/*").param("timeout", "2s"),
                        cgi("one", "/one/*").param("maxConcurrent", "1").param("maxQueued", "0"),
                        cgi("stream", "/stream/*").param("chunkedBody", "stream"),
                        cgi("spool", "/spool/*").param("maxSpoolBytes", "65536"),
                        cgi("auth", "/auth/*").param("passAuthorization", "true"),
                        cgi("group", "/group/*").param("processGroup", "true").param("timeout", "2s"),
                        cgi("lax", "/lax/*").param("requireExecutable", "false"),
                        cgi("two", "/two/*").param("maxConcurrent", "2").param("maxQueued", "0"),
                        cgi("nobuf", "/nobuf/*").param("requestBuffering", "false"),
                        cgi("nobuf-spool", "/nobuf-spool/*")
                                .param("requestBuffering", "false")
                                .param("maxSpoolBytes", "65536"),
                        cgi("budget", "/budget/*")
                                .param("maxSpoolBytes", Integer.toString(32 << 20))
                                .param("spoolDiskBytes", Integer.toString(BUDGET_DISK))
                                .param("clientBodyTimeout", "8s"),
                        cgi("single", "/single/*").param("maxSpooling", "1"),
                        cgi("deny", "/deny/*").param("deny", "/sub/ *.txt"),
                        ServletSpec.instance("tempdir", tempDirProbe, "/tempdir")));
        try {
            assertEquals(200, send(get("tempdir"), BodyHandlers.ofString()).statusCode());
        } catch (Exception e) {
            throw new IOException("the temp dir probe did not answer", e);
        }
    }

    private ServletSpec cgi(String name, String mapping) {
        return ServletSpec.of(name, CgiServlet.class, mapping)
                .param("scriptRoot", root.toString())
                .param("environment", "RUN_DIR=" + runDir);
    }

    @AfterAll
    void stop() throws IOException {
        if (container != null) {
            container.close();
        }
        if (uncaught != null) {
            uncaught.close();
        }
        readers.shutdownNow();
        // safety net only, so that a failed test leaves nothing running: kill by recorded pid
        if (runDir != null) {
            try (Stream<Path> files = Files.list(runDir)) {
                for (Path file :
                        files.filter(f -> f.toString().matches(".*\\.pids?$")).toList()) {
                    for (String pid : Files.readString(file).strip().split("\\s+")) {
                        Processes.killIfStartedAfter(Long.parseLong(pid), started);
                    }
                }
            }
        }
    }

    @AfterEach
    void noGatewayThreadDied() {
        assertEquals(List.of(), uncaught.drain(), "gateway threads ended by an uncaught exception");
    }

    // ---- 1. meta-variables (RFC 3875 §4.1) ----

    /**
     * One request and the exact meta-variables it must produce, beyond those every request to
     * this server has (see {@link #commonVariables}). In values, {@code {ctx}}, {@code {root}}
     * and {@code {docroot}} stand for the context path, the script root and the document root.
     */
    record EnvCase(
            String name,
            String method,
            String target,
            List<String> headers,
            String body,
            Map<String, String> variables,
            List<String> absent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<EnvCase> environmentCases() {
        return Stream.of(
                new EnvCase(
                        "GET without path info or query",
                        "GET",
                        "cgi/env.sh",
                        List.of(),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh"),
                        List.of("CONTENT_LENGTH", "CONTENT_TYPE", "PATH_INFO", "PATH_TRANSLATED", "AUTH_TYPE")),
                new EnvCase(
                        "path info, and a query kept exactly as sent",
                        "GET",
                        "cgi/env.sh/extra/info?a=%20b&c",
                        List.of(),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "PATH_INFO",
                                "/extra/info",
                                "PATH_TRANSLATED",
                                "{docroot}/extra/info",
                                "QUERY_STRING",
                                "a=%20b&c",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh/extra/info?a=%20b&c"),
                        List.of("CONTENT_LENGTH")),
                new EnvCase(
                        "PATH_INFO decoded, REQUEST_URI not",
                        "GET",
                        "cgi/env.sh/a%20b/c",
                        List.of(),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "PATH_INFO",
                                "/a b/c",
                                "PATH_TRANSLATED",
                                "{docroot}/a b/c",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh/a%20b/c"),
                        List.of()),
                new EnvCase(
                        "script in a sub-directory",
                        "GET",
                        "cgi/sub/env.sh/x",
                        List.of(),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/sub/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/sub/env.sh",
                                "PATH_INFO",
                                "/x",
                                "PATH_TRANSLATED",
                                "{docroot}/x",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/sub/env.sh/x"),
                        List.of()),
                new EnvCase(
                        "POST with a body",
                        "POST",
                        "cgi/env.sh?x=1",
                        List.of("Content-Type: application/x-www-form-urlencoded"),
                        "name=value&n=2",
                        vars(
                                "REQUEST_METHOD",
                                "POST",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "QUERY_STRING",
                                "x=1",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh?x=1",
                                "CONTENT_LENGTH",
                                "14",
                                "CONTENT_TYPE",
                                "application/x-www-form-urlencoded"),
                        List.of("HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE")),
                new EnvCase(
                        "request headers as HTTP_*",
                        "GET",
                        "cgi/env.sh",
                        List.of(
                                "X-Custom-Thing: one",
                                "Accept: text/plain",
                                "X-Multi: a",
                                "X-Multi: b",
                                "Cookie: a=1",
                                "Cookie: b=2"),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh",
                                "HTTP_X_CUSTOM_THING",
                                "one",
                                "HTTP_ACCEPT",
                                "text/plain",
                                "HTTP_X_MULTI",
                                "a, b",
                                "HTTP_COOKIE",
                                "a=1; b=2"),
                        List.of("HTTP_CONNECTION")),
                new EnvCase(
                        "Proxy, underscore names and Authorization withheld",
                        "GET",
                        "cgi/env.sh",
                        List.of(
                                "Proxy: http://evil.example:8080",
                                "X_Forged: 1",
                                "X-Forged: 2",
                                "Authorization: Basic dXNlcjpwYXNz"),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh",
                                "HTTP_X_FORGED",
                                "2"),
                        List.of("HTTP_PROXY", "HTTP_AUTHORIZATION", "AUTH_TYPE", "REMOTE_USER")),
                new EnvCase(
                        "header names with '.' or another symbol cannot forge a genuine one",
                        "GET",
                        "cgi/env.pl",
                        List.of(
                                "X.Forwarded.For: 6.6.6.6",
                                "Remote.User: admin",
                                "X~Forwarded~For: 6.6.6.7",
                                "X-Forwarded-For: 1.2.3.4"),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.pl",
                                "SCRIPT_FILENAME",
                                "{root}/env.pl",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.pl",
                                "HTTP_X_FORWARDED_FOR",
                                "1.2.3.4"),
                        List.of(
                                "HTTP_X.FORWARDED.FOR",
                                "HTTP_REMOTE.USER",
                                "HTTP_X~FORWARDED~FOR",
                                "HTTP_REMOTE_USER",
                                "REMOTE_USER")),
                new EnvCase(
                        "local redirect to a path with path info and query (§6.2.2)",
                        "GET",
                        "cgi/local-redirect-query.sh?orig=1",
                        List.of(),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/cgi/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "PATH_INFO",
                                "/moved",
                                "PATH_TRANSLATED",
                                "{docroot}/moved",
                                "QUERY_STRING",
                                "from=redirect%21",
                                "REQUEST_URI",
                                "{ctx}/cgi/env.sh/moved?from=redirect%21"),
                        List.of()),
                new EnvCase(
                        "Authorization passed where configured",
                        "GET",
                        "auth/env.sh",
                        List.of("Authorization: Basic dXNlcjpwYXNz"),
                        null,
                        vars(
                                "REQUEST_METHOD",
                                "GET",
                                "SCRIPT_NAME",
                                "{ctx}/auth/env.sh",
                                "SCRIPT_FILENAME",
                                "{root}/env.sh",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "{ctx}/auth/env.sh",
                                "HTTP_AUTHORIZATION",
                                "Basic dXNlcjpwYXNz"),
                        List.of("AUTH_TYPE", "REMOTE_USER")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("environmentCases")
    void metaVariables(EnvCase c) throws IOException {
        byte[] body = c.body() == null ? new byte[0] : c.body().getBytes(UTF_8);
        List<String> headers = new ArrayList<>(c.headers());
        if (c.body() != null) {
            headers.add("Content-Length: " + body.length);
        }
        try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
            raw.write(rawRequest(c.method(), CONTEXT + "/" + c.target(), headers, body));
            RawHttp.Head head = raw.readHead();
            String text = new String(raw.body(head).readAllBytes(), UTF_8);
            assertEquals(200, head.status(), text);
            assertEquals("text/plain", head.header("Content-Type"));

            Map<String, String> env = parseEnv(text);
            String software = env.remove("SERVER_SOFTWARE");
            assertTrue(
                    software != null
                            && software.startsWith(CgiServlet.PRODUCT + " ")
                            && software.toLowerCase(Locale.ROOT)
                                    .contains(kind().name().toLowerCase(Locale.ROOT)),
                    "SERVER_SOFTWARE=" + software);
            Map<String, String> expected = commonVariables();
            expected.put("REMOTE_PORT", Integer.toString(raw.localPort()));
            c.variables()
                    .forEach((name, value) -> expected.put(
                            name,
                            value.replace("{ctx}", CONTEXT)
                                    .replace("{root}", root.toString())
                                    .replace("{docroot}", docRoot.toString())));
            assertEquals(expected, env, () -> difference(expected, env));
            for (String name : c.absent()) {
                assertFalse(env.containsKey(name), name + " must not be set");
            }
        }
    }

    /** The variables every request in {@link #environmentCases} has, whatever its shape. */
    private Map<String, String> commonVariables() {
        String port = Integer.toString(container.base().getPort());
        Map<String, String> vars = new TreeMap<>();
        for (String name : PASS_ENV) {
            if (System.getenv(name) != null) {
                vars.put(name, System.getenv(name));
            }
        }
        vars.put("GATEWAY_INTERFACE", "CGI/1.1");
        vars.put("SERVER_PROTOCOL", "HTTP/1.1");
        vars.put("SERVER_NAME", "127.0.0.1");
        vars.put("SERVER_PORT", port);
        vars.put("SERVER_ADDR", "127.0.0.1");
        vars.put("REMOTE_ADDR", "127.0.0.1");
        vars.put("REMOTE_HOST", "127.0.0.1");
        vars.put("REQUEST_SCHEME", "http");
        vars.put("DOCUMENT_ROOT", docRoot.toString());
        vars.put("REDIRECT_STATUS", "200");
        vars.put("HTTP_HOST", "127.0.0.1:" + port);
        vars.put("RUN_DIR", runDir.toString());
        return vars;
    }

    @Test
    void serverEnvironmentReachesScriptsOnlyThroughTheAllowList() throws Exception {
        // the proof needs a server variable outside the allowlist (HOME) and one inside (PATH)
        assertTrue(
                System.getenv("HOME") != null && System.getenv("PATH") != null,
                "the test JVM's environment has HOME and PATH");
        HttpResponse<String> response = send(get("cgi/env.sh"), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        Map<String, String> env = parseEnv(response.body());
        assertEquals(System.getenv("PATH"), env.get("PATH"));
        assertFalse(env.containsKey("HOME"), "HOME=" + env.get("HOME"));
        Set<String> leaked = new TreeSet<>(System.getenv().keySet());
        leaked.removeAll(PASS_ENV);
        leaked.retainAll(env.keySet());
        assertEquals(Set.of(), leaked, "server variables outside passEnv");
    }

    // ---- 2, 3. request bodies ----

    /** Buffered first (the default), then echoed; and streamed, echoed as it arrives. */
    @ParameterizedTest
    @ValueSource(strings = {"cgi", "nobuf"})
    void tenMegabytePostIsEchoedWhole(String mapping) throws Exception {
        byte[] body = random(10 << 20, 1);
        // a raw socket, because without request buffering the echo starts before the upload
        // ends: a client that reads nothing until it has sent everything (as HttpClient does)
        // deadlocks with any full-duplex peer once 10 MB exceed the socket buffers
        try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
            Future<?> upload = readers.submit(() -> {
                raw.write(rawRequest(
                        "POST",
                        CONTEXT + "/" + mapping + "/echo.pl",
                        List.of("Content-Type: application/octet-stream", "Content-Length: " + body.length),
                        body));
                return null;
            });
            RawHttp.Head head = raw.readHead();
            byte[] echoed = within(Duration.ofSeconds(30), () -> raw.body(head).readAllBytes());
            upload.get(5, TimeUnit.SECONDS);
            assertEquals(200, head.status());
            assertEquals("application/octet-stream", head.header("Content-Type"));
            assertEquals(Integer.toString(body.length), head.header("X-Content-Length"));
            assertEquals(body.length, echoed.length);
            assertEquals(sha256(body), sha256(echoed));
        }
    }

    @Test
    void chunkedBodyIsSpooledAndAnnouncedWithItsLength() throws Exception {
        byte[] body = random(50_000, 2);
        HttpResponse<String> response = send(chunkedPost("spool/body-digest.py", body), BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "REQUEST_METHOD=POST\nCONTENT_LENGTH=50000\nbytes=50000\nsha256=" + sha256(body) + "\n",
                response.body());
    }

    @Test
    void chunkedBodyIsStreamedWithoutLengthToEndOfInput() throws Exception {
        byte[] body = random(300_000, 3);
        HttpResponse<String> response = send(chunkedPost("stream/body-digest.py", body), BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "REQUEST_METHOD=POST\nCONTENT_LENGTH=(absent)\nbytes=300000\nsha256=" + sha256(body) + "\n",
                response.body());
    }

    @Test
    void chunkedBodyOverTheSpoolLimitIs413() throws Exception {
        byte[] body = random(200_000, 4);
        HttpResponse<String> response = send(chunkedPost("spool/body-digest.py", body), BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertFalse(response.body().contains("sha256="), response.body());
    }

    // ---- 3a. a body the script does not read ----

    /**
     * As Apache's mod_cgi: once the script stops reading its stdin, the rest of the body is read
     * and dropped, so a client that sends its whole body before it reads gets the answer rather
     * than a reset connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cgi", "nobuf"})
    @ExtendWith(NoProcessLeftBehind.class)
    void scriptThatReadsNoBodyStillAnswersAClientThatSendsItWholeFirst(String mapping) throws Exception {
        long length = 5 << 20;
        SendThenRead.Outcome outcome = SendThenRead.post(
                container.base(), postHead(mapping + "/no-read.sh", length), length, Duration.ofSeconds(30));
        assertNull(outcome.sendFailure(), "sending the body failed");
        assertEquals(length, outcome.sent());
        assertNull(outcome.readFailure(), "reading the response failed");
        assertEquals(200, outcome.response().head().status());
        assertEquals(
                "answered without reading " + length + " bytes\n",
                outcome.response().text());
        awaitNoThreadIn("dev.gatehouse.cgi.StdinFeeder");
    }

    /**
     * A body beyond the drain bound (maxSpoolBytes, 64 KiB under /nobuf-spool/) is not read to its
     * end: the connection is closed, and the client has the answer or sees the close. (With
     * request buffering such a body is 413 before it is read: see {@link
     * #contentLengthAboveTheSpoolLimitIs413BeforeTheBodyIsRead}.)
     */
    @Test
    @ExtendWith(NoProcessLeftBehind.class)
    void bodyBeyondTheDrainBoundIsNotReadToItsEnd() throws Exception {
        long length = 1L << 30;
        SendThenRead.Outcome outcome = SendThenRead.post(
                container.base(), postHead("nobuf-spool/no-read.sh", length), length, Duration.ofSeconds(30));
        assertNotNull(outcome.sendFailure(), "the server read all of " + length + " bytes");
        assertTrue(outcome.sent() < length, outcome.sent() + " bytes sent");
        if (outcome.response() != null) {
            assertEquals(200, outcome.response().head().status());
            assertEquals(
                    "answered without reading " + length + " bytes\n",
                    outcome.response().text());
        } else {
            assertInstanceOf(IOException.class, outcome.readFailure());
        }
        awaitNoThreadIn("dev.gatehouse.cgi.StdinFeeder");
        // the slot was released: the next request runs
        assertEquals(
                200, send(get("nobuf-spool/other.sh"), BodyHandlers.ofString()).statusCode());
    }

    /**
     * Without request buffering, a client that stops sending in the middle of its body gets the
     * whole answer once the drain time (5 s) has passed after the script's response ended, not
     * when its connection times out. (With it, the script never starts: see {@link
     * #slowBodiesHoldNoScriptSlot}.)
     */
    @Test
    @ExtendWith(NoProcessLeftBehind.class)
    void clientThatStopsSendingGetsTheAnswerAfterTheDrainTime() throws Exception {
        long length = 1 << 20;
        try (RawHttp raw = RawHttp.connect(container.base(), Duration.ofSeconds(20))) {
            raw.write(postHead("nobuf/no-read.sh", length).getBytes(ISO_8859_1));
            raw.write(new byte[100_000]);
            long start = System.nanoTime();
            RawHttp.Head head = raw.readHead();
            byte[] body = raw.body(head).readAllBytes();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, head.status());
            assertEquals("answered without reading " + length + " bytes\n", new String(body, UTF_8));
            assertTrue(millis < 10_000, "the response ended after " + millis + " ms");
        }
        awaitNoThreadIn("dev.gatehouse.cgi.StdinFeeder");
    }

    // ---- 3b. request buffering: a body is read whole before it takes a script slot ----

    /**
     * Clients that send their bodies slowly hold no script slot: with both slots of /two/ free
     * and no queue, four clients that sent only part of a body (their heads and some bytes taken
     * in: each was told 100 Continue, so the servlet is reading it) leave a GET its 200; then each,
     * sending the rest, gets the script's answer for its whole body, with CONTENT_LENGTH. One
     * body is past the memory part, so it is in a temp file meanwhile, deleted afterwards.
     */
    @Test
    @ExtendWith(NoProcessLeftBehind.class)
    void slowBodiesHoldNoScriptSlot() throws Exception {
        int length = 100_000;
        List<RawHttp> drippers = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                byte[] body = random(length, 100 + i);
                int part = i == 0 ? 70_000 : 1_000; // the first past the 64 KiB kept in memory
                RawHttp raw = RawHttp.connect(container.base(), READ);
                drippers.add(raw);
                bodies.add(body);
                raw.write(rawHead("two/body-digest.py", length, "Expect: 100-continue"));
                RawHttp.Head interim = raw.readHead();
                assertEquals(100, interim.status(), "client " + i + ": " + interim.statusLine());
                raw.write(java.util.Arrays.copyOf(body, part));
            }
            HttpResponse<String> hello = send(get("two/hello.sh"), BodyHandlers.ofString());
            assertEquals(200, hello.statusCode(), hello.body());
            assertEquals("Hello\n", hello.body());
            Await.until(() -> spoolFiles().size() == 1, () -> "one body spooled to a file: " + spoolFiles());
            for (int i = 0; i < drippers.size(); i++) {
                RawHttp raw = drippers.get(i);
                byte[] body = bodies.get(i);
                int part = i == 0 ? 70_000 : 1_000;
                raw.write(java.util.Arrays.copyOfRange(body, part, length));
                RawHttp.Head head = raw.readHead();
                String text = new String(within(READ, () -> raw.body(head).readAllBytes()), UTF_8);
                assertEquals(200, head.status(), "client " + i + ": " + text);
                assertEquals(
                        "REQUEST_METHOD=POST\nCONTENT_LENGTH=" + length + "\nbytes=" + length + "\nsha256="
                                + sha256(body) + "\n",
                        text,
                        "client " + i);
            }
        } finally {
            for (RawHttp raw : drippers) {
                raw.close();
            }
        }
        awaitNoSpoolFile();
    }

    /**
     * Issue 10, item 2: twelve chunked uploads (of up to 32 MiB) that send 1 MiB and stall,
     * against a disk budget of 4 MiB. The files never hold more than the budget, the uploads
     * beyond it are refused (503 with Retry-After, or the connection closed while they still
     * send), and once the ones admitted have been silent for {@code clientBodyTimeout} (8 s) they
     * get 408 and their files are gone.
     */
    @Test
    void unfinishedChunkedUploadsAreBoundedByTheSpoolBudgetAndTimeOut() throws Exception {
        byte[] chunk = random(64 << 10, 23);
        byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(ISO_8859_1);
        byte[] crlf = "\r\n".getBytes(ISO_8859_1);
        List<RawHttp> clients = new ArrayList<>();
        List<RawHttp> spooling = new ArrayList<>();
        int refused = 0;
        int with503 = 0;
        awaitNoSpoolFile(); // the sum covers every spool file in the temp dir: earlier tests' gone first
        try {
            for (int i = 0; i < 12; i++) {
                RawHttp raw = RawHttp.connect(container.base(), READ);
                clients.add(raw);
                try {
                    raw.write(("POST " + CONTEXT + "/budget/body-digest.py HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                            .getBytes(ISO_8859_1));
                    for (int c = 0; c < 16; c++) {
                        raw.write(chunkHead);
                        raw.write(chunk);
                        raw.write(crlf);
                    }
                } catch (IOException e) {
                    // refused while still sending: the server answered and closed
                }
                long bytes = spoolBytes();
                assertTrue(
                        bytes <= BUDGET_DISK,
                        "spool files hold " + bytes + " bytes, more than the budget, after " + (i + 1) + " uploads: "
                                + spoolFiles());
            }
            for (RawHttp raw : clients) {
                raw.readTimeout(Duration.ofSeconds(1)); // at most five wait it out: well within 8 s
                try {
                    RawHttp.Head head = raw.readHead();
                    assertEquals(503, head.status(), head.statusLine());
                    assertNotNull(head.header("Retry-After"));
                    refused++;
                    with503++;
                } catch (java.net.SocketTimeoutException e) {
                    spooling.add(raw); // admitted, still waiting for the rest of its body
                } catch (IOException e) {
                    refused++; // closed (or reset) after the refusal, before its answer could be read
                }
            }
            assertTrue(
                    spooling.size() <= 5 && refused >= 7 && with503 >= 1,
                    "within a budget of four: " + spooling.size() + " spooling, " + refused + " refused (" + with503
                            + " with a readable 503)");
            for (RawHttp raw : spooling) {
                raw.readTimeout(Duration.ofSeconds(20));
                assertEquals(408, raw.readHead().status());
            }
        } finally {
            for (RawHttp raw : clients) {
                raw.close();
            }
        }
        awaitNoSpoolFile();
    }

    /**
     * {@code maxSpooling=1}: while one body is being buffered, another is refused with 503 and
     * Retry-After at once, and no script runs for it; the first still gets its answer.
     */
    @Test
    void bodiesBeyondMaxSpoolingAreRefusedWith503() throws Exception {
        byte[] body = random(100_000, 31);
        try (RawHttp first = RawHttp.connect(container.base(), READ)) {
            first.write(rawHead("single/body-digest.py", body.length, "Expect: 100-continue"));
            assertEquals(100, first.readHead().status());
            first.write(java.util.Arrays.copyOf(body, 70_000));
            Await.until(() -> spoolFiles().size() == 1, () -> "the first body is being spooled: " + spoolFiles());
            try (RawHttp second = RawHttp.connect(container.base(), READ)) {
                second.write(rawHead("single/body-digest.py", 10, null));
                second.write(new byte[10]);
                RawHttp.Head refused = second.readHead();
                assertEquals(503, refused.status(), refused.statusLine());
                assertNotNull(refused.header("Retry-After"));
            }
            first.write(java.util.Arrays.copyOfRange(body, 70_000, body.length));
            RawHttp.Head head = first.readHead();
            String text = new String(within(READ, () -> first.body(head).readAllBytes()), UTF_8);
            assertEquals(200, head.status(), text);
            assertTrue(text.contains("sha256=" + sha256(body)), text);
        }
        awaitNoSpoolFile();
    }

    /** A client that hangs up in the middle of a buffered body leaves no temp file behind. */
    @Test
    void bodyOfAClientThatHangsUpWhileBufferedIsDeleted() throws Exception {
        try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
            raw.write(rawHead("cgi/body-digest.py", 1_000_000, "Expect: 100-continue"));
            assertEquals(100, raw.readHead().status());
            raw.write(new byte[200_000]);
            Await.until(() -> spoolFiles().size() == 1, () -> "the body spooled to a file: " + spoolFiles());
        }
        awaitNoSpoolFile();
        // the gateway still serves, and nothing was started for the abandoned body
        assertEquals(200, send(get("cgi/hello.sh"), BodyHandlers.ofString()).statusCode());
    }

    /**
     * A Content-Length above maxSpoolBytes (64 KiB under /spool/) is 413 as soon as the head is
     * in: the client that sends nothing more hears it, and no script runs.
     */
    @Test
    void contentLengthAboveTheSpoolLimitIs413BeforeTheBodyIsRead() throws Exception {
        try (RawHttp raw = RawHttp.connect(container.base(), Duration.ofSeconds(10))) {
            raw.write(rawHead("spool/body-digest.py", 65_537, null));
            RawHttp.Head head = raw.readHead();
            assertEquals(413, head.status(), head.statusLine());
            String text = new String(within(READ, () -> raw.body(head).readAllBytes()), UTF_8);
            assertFalse(text.contains("sha256="), text);
        }
        // exactly the limit is read and run
        byte[] body = random(65_536, 7);
        HttpResponse<String> response = send(
                request("spool/body-digest.py")
                        .POST(BodyPublishers.ofByteArray(body))
                        .build(),
                BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "REQUEST_METHOD=POST\nCONTENT_LENGTH=65536\nbytes=65536\nsha256=" + sha256(body) + "\n",
                response.body());
        awaitNoSpoolFile();
    }

    /**
     * With requestBuffering=false the body streams: the script echoes the first part back before
     * the client has sent the rest. (With the default the script would not even have started.)
     */
    @Test
    void withoutRequestBufferingTheScriptReadsTheBodyAsItArrives() throws Exception {
        byte[] first = "first part\n".getBytes(UTF_8);
        byte[] rest = "and the rest\n".getBytes(UTF_8);
        try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
            raw.write(rawHead("nobuf/echo.sh", first.length + rest.length, null));
            raw.write(first);
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            InputStream body = raw.body(head);
            assertEquals("first part", within(Duration.ofSeconds(10), () -> RawHttp.readLine(body)));
            raw.write(rest);
            assertEquals("and the rest\n", new String(within(READ, body::readAllBytes), UTF_8));
        }
    }

    // ---- 4. streaming ----

    @Test
    void outputIsRelayedAsTheScriptWritesIt() throws Exception {
        String id = id("stream");
        HttpResponse<InputStream> response = send(get("cgi/wait-flag.sh?" + id), BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals(Optional.of("text/plain"), response.headers().firstValue("Content-Type"));
            // the script writes its second part only once the flag exists, and the flag is
            // created only after the first line arrived: so that line was relayed unbuffered
            assertEquals("first", within(Duration.ofSeconds(5), () -> RawHttp.readLine(body)));
            Files.createFile(runDir.resolve(id + ".flag"));
            assertEquals("flag seen\nlast\n", new String(within(READ, body::readAllBytes), UTF_8));
        }
    }

    // ---- 5, 6, 7. response types and headers (RFC 3875 §5, §6) ----

    @Test
    void localRedirectServesTheOtherScript() throws Exception {
        HttpResponse<String> response = send(get("cgi/local-redirect.sh"), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(Optional.of("other.sh"), response.headers().firstValue("X-Served-By"));
        assertEquals(Optional.empty(), response.headers().firstValue("Location"));
        assertEquals("other.sh here\nSCRIPT_NAME=" + CONTEXT + "/cgi/other.sh\n", response.body());
    }

    @Test
    void localRedirectOfAPostIsAGetOfTheTarget() throws Exception {
        // RFC 3875 §6.2.2: the server answers as it would a request for the local URL, i.e. a
        // GET (as Apache's mod_cgi does); the target never sees the original body
        byte[] body = random(1000, 5);
        HttpResponse<String> response = send(
                request("cgi/local-redirect-post.sh")
                        .header("Content-Type", "application/octet-stream")
                        .POST(BodyPublishers.ofByteArray(body))
                        .build(),
                BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "REQUEST_METHOD=GET\nCONTENT_LENGTH=(absent)\nbytes=0\nsha256=" + sha256(new byte[0]) + "\n",
                response.body());
    }

    @Test
    void clientRedirectIs302WithLocation() throws Exception {
        HttpResponse<String> response = send(get("cgi/client-redirect.sh"), BodyHandlers.ofString());
        assertEquals(302, response.statusCode());
        assertEquals(
                Optional.of("http://example.invalid/target?x=1"),
                response.headers().firstValue("Location"));
        assertEquals("", response.body());
    }

    @Test
    void clientRedirectWithDocumentKeepsStatusAndBody() throws Exception {
        HttpResponse<String> response = send(get("cgi/see-other.sh"), BodyHandlers.ofString());
        assertEquals(303, response.statusCode());
        assertEquals(
                Optional.of("http://example.invalid/done"), response.headers().firstValue("Location"));
        assertEquals(Optional.of("text/plain"), response.headers().firstValue("Content-Type"));
        assertEquals("see other\n", response.body());
    }

    @Test
    void nphScriptSetsItsOwnStatusLine() throws Exception {
        HttpResponse<String> response = send(get("cgi/nph-custom.sh"), BodyHandlers.ofString());
        assertEquals(299, response.statusCode());
        assertEquals(Optional.of("yes"), response.headers().firstValue("X-Nph"));
        assertEquals(Optional.of("text/plain"), response.headers().firstValue("Content-Type"));
        assertEquals("nph body\n", response.body());
    }

    @Test
    void statusFieldSetsTheStatusAndKeepsTheScriptsBody() throws Exception {
        HttpResponse<String> response = send(get("cgi/not-found.sh"), BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertEquals(Optional.of("text/plain"), response.headers().firstValue("Content-Type"));
        assertEquals("no such thing here\n", response.body());
    }

    @Test
    void repeatedSetCookieFieldsAllArrive() throws Exception {
        HttpResponse<String> response = send(get("cgi/cookies.sh"), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(
                List.of("a=1; Path=/", "b=2; HttpOnly", "c=3"),
                response.headers().allValues("Set-Cookie"));
        assertEquals("three cookies\n", response.body());
    }

    // ---- 8. stderr ----

    @Test
    void stderrLinesAreLoggedWithTheScriptName() throws Exception {
        String prefix = CONTEXT + "/cgi/stderr.sh: ";
        List<String> expected = List.of(prefix + "first complaint", prefix + "second complaint");
        try (LogCapture log = LogCapture.install("dev.gatehouse.cgi.stderr")) {
            HttpResponse<String> response = send(get("cgi/stderr.sh"), BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("ok\n", response.body());
            List<String> seen = log.await(m -> m.containsAll(expected), Await.LIMIT);
            assertEquals(
                    expected, seen.stream().filter(m -> m.startsWith(prefix)).toList());
        }
    }

    // ---- 9, 10. timeouts and disconnects: the process tree is killed ----

    @Test
    void scriptSilentPastTheTimeoutGets504AndItsTreeIsKilled() throws Exception {
        String id = id("silent");
        long start = System.nanoTime();
        HttpResponse<String> response = send(get("short/hang-before-head.sh?" + id), BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(504, response.statusCode());
        assertTrue(
                took.compareTo(Duration.ofMillis(1900)) >= 0 && took.compareTo(Duration.ofSeconds(10)) < 0,
                "504 after " + took.toMillis() + " ms, timeout is 2 s");
        List<Long> pids = pids(runDir.resolve(id + ".pids"));
        assertEquals(2, pids.size(), "script and child pids: " + pids);
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "still running");
    }

    @Test
    void scriptHangingAfterItsHeadHasTheResponseAbortedAndItsTreeKilled() throws Exception {
        String id = id("stalled");
        HttpResponse<InputStream> response = send(get("short/hang-after-head.sh?" + id), BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals("partial", within(Duration.ofSeconds(5), () -> RawHttp.readLine(body)));
            // not a clean end of body: the client must be able to tell the response is truncated
            ExecutionException e = assertThrows(ExecutionException.class, () -> readers.submit(body::readAllBytes)
                    .get(READ.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
        }
        List<Long> pids = pids(runDir.resolve(id + ".pids"));
        assertEquals(2, pids.size(), "script and child pids: " + pids);
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "still running");
    }

    /**
     * A local redirect goes only where the client could have gone itself: never into WEB-INF or
     * META-INF (which a dispatch reaches), never through dot segments, encoded or not.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/gh/WEB-INF/web.xml",
                "/gh/web-inf/web.xml",
                "/gh/META-INF/MANIFEST.MF",
                "/gh/cgi/../WEB-INF/web.xml",
                "/gh/%2e%2e/gh/WEB-INF/web.xml",
                "/gh/WEB-INF%2fweb.xml",
                "/gh/cgi/%2E/hello.sh",
                "/gh/cgi/a%5cb"
            })
    void aLocalRedirectToWhatNoClientMayRequestIs502(String target) throws Exception {
        HttpResponse<String> response = send(get("cgi/redirect-to.sh?" + target), BodyHandlers.ofString());
        assertEquals(502, response.statusCode(), response.body());
        assertFalse(response.body().contains("<web-app"), response.body());
    }

    @Test
    void aLocalRedirectToAPathAClientMayRequestIsFollowed() throws Exception {
        HttpResponse<String> response = send(get("cgi/redirect-to.sh?/gh/cgi/hello.sh"), BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Hello\n", response.body());
    }

    /** PATH_TRANSLATED maps PATH_INFO under the document root: no hidden or dot segment in it. */
    @ParameterizedTest
    @ValueSource(strings = {"/gh/cgi/env.sh/.git/config", "/gh/cgi/env.sh/a/.env", "/gh/cgi/env.sh/.htpasswd"})
    void hiddenSegmentsInPathInfoAre403(String target) throws Exception {
        RawHttp.Response response = RawHttp.exchange(
                container.base(),
                ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(ISO_8859_1),
                false,
                READ);
        assertEquals(403, response.head().status(), response.text());
    }

    /**
     * Under an absolute scriptRoot the execute bit means something (Apache's ExecCGI): a file
     * without it is 403 though its extension has an interpreter; requireExecutable=false relaxes it.
     */
    @Test
    void aFileWithoutItsExecuteBitIs403UnlessRelaxed() throws Exception {
        HttpResponse<String> refused = send(get("cgi/uploads/evil.sh"), BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("ran"), refused.body());
        HttpResponse<String> relaxed = send(get("lax/uploads/evil.sh"), BodyHandlers.ofString());
        assertEquals(200, relaxed.statusCode(), relaxed.body());
        assertEquals("ran\n", relaxed.body());
    }

    /** A name the file system cannot hold is 404, with no script root and no stack trace. */
    @Test
    void aPathSegmentTooLongForTheFileSystemIs404WithoutDetails() throws Exception {
        HttpResponse<String> response = send(get("cgi/" + "x".repeat(300) + "/env.sh"), BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), response.body());
        assertFalse(response.body().contains(root.toString()), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    /**
     * A decoded CR, LF or NUL in the path is refused before it can reach SCRIPT_NAME, PATH_INFO
     * or PATH_TRANSLATED, and whatever is logged about it stays on one line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/cgi/env.sh/a%0d%0ab", "/cgi/nonexist%0aSEVERE:%20FORGED", "/cgi/env.sh/%00"})
    void controlCharactersInTheDecodedPathAre400(String target) throws Exception {
        try (LogCapture log = LogCapture.install(CgiServlet.class.getName())) {
            RawHttp.Response response = RawHttp.exchange(
                    container.base(),
                    ("GET " + CONTEXT + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(ISO_8859_1),
                    false,
                    READ);
            assertEquals(400, response.head().status(), response.text());
            assertTrue(
                    log.messages().stream().noneMatch(m -> m.contains("\n") || m.contains("\r")),
                    "a log line was split: " + log.messages());
        }
    }

    /**
     * deny: a refused path is 404 before any script is looked for, whatever its case or encoding,
     * with one log line naming the pattern (a case variant would otherwise be a plain "not found"
     * on this file system, hence the line is checked); a pattern anchored at the root does not
     * match the same name in a script's path info, and other scripts run.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/deny/sub/env.sh",
                "/deny/SUB/env.sh",
                "/deny/%73ub/env.sh",
                "/deny/sub/env.sh/x",
                "/deny/data.txt"
            })
    void deniedPathsAre404BeforeAnyScript(String target) throws Exception {
        try (LogCapture log = LogCapture.install(CgiServlet.class.getName())) {
            RawHttp.Response response = raw("GET " + CONTEXT + target);
            assertEquals(404, response.head().status(), response.text());
            assertFalse(response.text().contains("SCRIPT_NAME"), "the script did not run");
            // await takes the whole list of lines: wait for one about the denial, then check it
            List<String> lines =
                    log.await(all -> all.stream().anyMatch(l -> l.contains("denied by")), Await.LIMIT).stream()
                            .filter(l -> l.contains("denied by"))
                            .toList();
            assertEquals(1, lines.size(), "one line about the denial: " + log.messages());
            assertTrue(
                    lines.get(0).contains(target.endsWith(".txt") ? "denied by *.txt" : "denied by /sub/"),
                    lines.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/deny/hello.sh", "/deny/env.sh/sub/x"})
    void pathsNoPatternRefusesRun(String target) throws Exception {
        RawHttp.Response response = raw("GET " + CONTEXT + target);
        assertEquals(200, response.head().status(), response.text());
    }

    private RawHttp.Response raw(String requestLine) throws IOException {
        return RawHttp.exchange(
                container.base(),
                (requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(ISO_8859_1),
                false,
                READ);
    }

    /**
     * processGroup=true: a script that exits and leaves a child behind (not holding stdout, so
     * the response completes) has the child killed once it is gone — the child is re-parented,
     * and only the group still ties it to the request.
     */
    @Test
    void aChildLeftInTheGroupOfAScriptThatExitedIsKilled() throws Exception {
        String id = id("leave-child");
        HttpResponse<String> response = send(get("group/leave-child.sh?" + id), BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        long child = Long.parseLong(Processes.awaitFile(runDir.resolve(id + ".pid"), READ));
        assertEquals("left " + child + "\n", response.body());
        assertEquals(List.of(), Processes.awaitGone(List.of(child), READ), "the child left in the group runs on");
    }

    /**
     * processGroup=true: a double-forked child that keeps stdout open holds the response until
     * the timeout; then the request ends (aborted after the head) and the child is killed.
     */
    @Test
    void aDoubleForkedChildHoldingStdoutEndsAtTheTimeoutAndIsKilled() throws Exception {
        String id = id("double-fork");
        long start = System.nanoTime();
        HttpResponse<InputStream> response = send(get("group/double-fork.sh?" + id), BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals("forked", within(Duration.ofSeconds(5), () -> RawHttp.readLine(body)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> readers.submit(body::readAllBytes)
                    .get(READ.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause(), "a truncated response, not a clean end");
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis >= 1900, "ended at the 2 s timeout, not before: " + elapsedMillis + " ms");
        long child = Long.parseLong(Processes.awaitFile(runDir.resolve(id + ".pid"), READ));
        assertEquals(List.of(), Processes.awaitGone(List.of(child), READ), "the double-forked child runs on");
    }

    @Test
    void clientHangingUpKillsTheScriptAndLeavesOtherExchangesAlone() throws Exception {
        // several times in a row: the clean-up after one disconnect must not disturb the next
        // exchange, which already runs on another connection
        List<Long> pids = new ArrayList<>();
        try {
            for (int round = 0; round < 10; round++) {
                String id = id("ticker");
                try (RawHttp raw = RawHttp.connect(container.base(), READ)) {
                    raw.write(rawRequest("GET", CONTEXT + "/cgi/ticker.sh?" + id, List.of(), new byte[0]));
                    RawHttp.Head head = raw.readHead();
                    assertEquals(200, head.status(), "round " + round);
                    InputStream body = raw.body(head);
                    for (int i = 0; i < 3; i++) {
                        assertEquals("tick " + i, RawHttp.readLine(body), "round " + round);
                    }
                } catch (IOException e) {
                    throw new AssertionError("round " + round + " (after " + round + " disconnects): " + e, e);
                }
                pids.add(Long.parseLong(Processes.awaitFile(runDir.resolve(id + ".pid"), Await.LIMIT)));
            }
        } finally {
            assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "still running");
            Thread.sleep(250); // each exchange ends just after its kill: let a failure there show here
        }
    }

    // ---- 11, 12. concurrency and admission ----

    @Test
    void hundredConcurrentRequestsEachGetTheirOwnBody() throws Exception {
        List<String> bodies = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String body = "request " + i + ": " + "x".repeat(i * 97) + "\n";
            bodies.add(body);
            futures.add(http.sendAsync(
                    request("cgi/echo.sh").POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = futures.get(i).join();
            assertEquals(200, response.statusCode(), "request " + i);
            assertEquals(bodies.get(i), response.body(), "request " + i);
        }
    }

    @Test
    void fullGateAnswers503WithRetryAfter() throws Exception {
        String id = id("gate");
        HttpResponse<InputStream> running = send(get("one/wait-flag.sh?" + id), BodyHandlers.ofInputStream());
        try (InputStream body = running.body()) {
            assertEquals(200, running.statusCode());
            assertEquals("first", within(Duration.ofSeconds(5), () -> RawHttp.readLine(body)));
            // the only slot is taken and no request may queue
            HttpResponse<String> rejected = send(get("one/hello.sh"), BodyHandlers.ofString());
            assertEquals(503, rejected.statusCode());
            assertEquals(Optional.of("5"), rejected.headers().firstValue("Retry-After"));
            assertFalse(rejected.body().contains("Hello"), rejected.body());
            Files.createFile(runDir.resolve(id + ".flag"));
            assertEquals("flag seen\nlast\n", new String(within(READ, body::readAllBytes), UTF_8));
        }
    }

    @Test
    void oneSlotGateIsFreeAgainOnceAResponseHasEnded() throws Exception {
        // a client that waits for each response before sending the next request never
        // exceeds maxConcurrent=1, so it must never be refused
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = send(get("one/hello.sh"), BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "request " + i + " of 50 in sequence");
            assertEquals("Hello\n", response.body());
        }
    }

    // ---- 13. errors ----

    /** A request that must not produce a script's response, and the status it gets instead. */
    record ErrorCase(String name, String method, String target, int status, String mustNotContain) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    static Stream<ErrorCase> errorCases() {
        return Stream.of(
                new ErrorCase("method not in allowedMethods", "PUT", "cgi/hello.sh", 405, "Hello"),
                new ErrorCase("no such script", "GET", "cgi/missing.sh", 404, null),
                new ErrorCase("a directory", "GET", "cgi/sub", 404, null),
                new ErrorCase("hidden file", "GET", "cgi/.secret.sh", 403, "SECRET"),
                new ErrorCase("not executable, no interpreter", "GET", "cgi/data.txt", 403, "plain data"),
                new ErrorCase("symbolic link out of the root", "GET", "cgi/link.sh", 403, "OUTSIDE"),
                new ErrorCase("malformed header line", "GET", "cgi/malformed.sh", 502, "not a header"),
                new ErrorCase("exit 1 without output", "GET", "cgi/fail.sh", 502, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorCases")
    void requestsThatMustNotRunAScript(ErrorCase c) throws Exception {
        HttpRequest.BodyPublisher none = BodyPublishers.noBody();
        HttpResponse<String> response =
                send(request(c.target()).method(c.method(), none).build(), BodyHandlers.ofString());
        assertEquals(c.status(), response.statusCode(), response.body());
        if (c.mustNotContain() != null) {
            assertFalse(response.body().contains(c.mustNotContain()), response.body());
        }
        assertFalse(Files.exists(runDir.resolve("secret-ran")), "the hidden script ran");
        assertFalse(Files.exists(runDir.resolve("outside-ran")), "a script outside the root ran");
    }

    @Test
    void methodNotAllowedListsTheAllowedMethods() throws Exception {
        HttpResponse<String> response =
                send(request("cgi/hello.sh").PUT(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        Set<String> allowed = new TreeSet<>();
        for (String value : response.headers().allValues("Allow")) {
            for (String method : value.split(",")) {
                allowed.add(method.strip());
            }
        }
        assertEquals(Set.of("GET", "HEAD", "POST"), allowed);
    }

    @Test
    void headGetsTheHeadersAndNoBody() throws Exception {
        RawHttp.Response response = RawHttp.exchange(
                container.base(), rawRequest("HEAD", CONTEXT + "/cgi/hello.sh", List.of(), new byte[0]), true, READ);
        assertEquals(200, response.head().status());
        assertEquals("text/plain", response.head().header("Content-Type"));
        assertEquals("yes", response.head().header("X-Hello"));
        assertEquals("", new String(response.body(), ISO_8859_1), "bytes after the head of a HEAD response");
    }

    // ---- 14. confinement ----

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/cgi/..%2foutside.sh",
                "/cgi/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
                "/cgi/%2e%2e/outside.sh",
                "/cgi/sub/%2e%2e/%2e%2e/outside.sh",
                "/cgi/sub/../../outside.sh",
                "/cgi/..;/outside.sh",
                "/cgi/sub/..%5c..%5coutside.sh",
                "/cgi/.%2e/outside.sh",
            })
    void pathTraversalRunsNothingOutsideTheRoot(String target) throws Exception {
        RawHttp.Response response = RawHttp.exchange(
                container.base(), rawRequest("GET", CONTEXT + target, List.of(), new byte[0]), false, READ);
        int status = response.head().status();
        assertTrue(status == 400 || status == 403 || status == 404, "status " + status + " for " + target);
        assertFalse(response.text().contains("OUTSIDE"), response.text());
        assertFalse(response.text().contains("root:x:0:0"), response.text());
        assertFalse(Files.exists(runDir.resolve("outside-ran")), "a script outside the root ran");
    }

    // ---- helpers ----

    /** A POST head to a path under the context, with Content-Length {@code length}, no Content-Type. */
    private String postHead(String relative, long length) {
        return "POST " + CONTEXT + "/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + container.base().getPort() + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n";
    }

    /** A POST head with Content-Length {@code length} and, when given, one more header field. */
    private byte[] rawHead(String relative, long length, String extra) {
        String head = "POST " + CONTEXT + "/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + container.base().getPort() + "\r\nContent-Length: " + length + "\r\n"
                + (extra != null ? extra + "\r\n" : "") + "Connection: close\r\n\r\n";
        return head.getBytes(ISO_8859_1);
    }

    /** The request-body spool files in the context's temporary directory. */
    private List<Path> spoolFiles() {
        Path dir = tempDirProbe.tempDir();
        assertNotNull(dir, "the context's temporary directory");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("gatehouse-body-"))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The bytes in the request-body spool files now. */
    private long spoolBytes() {
        long sum = 0;
        for (Path file : spoolFiles()) {
            try {
                sum += Files.size(file);
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        return sum;
    }

    private void awaitNoSpoolFile() throws InterruptedException {
        Await.until(() -> spoolFiles().isEmpty(), () -> "request body files left: " + spoolFiles());
    }

    /** Waits (bounded) until no thread runs code of {@code className}: nothing is left reading. */
    private static void awaitNoThreadIn(String className) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> busy;
        do {
            busy = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> Stream.of(e.getValue())
                            .anyMatch(f -> f.getClassName().equals(className)))
                    .map(e -> e.getKey().getName())
                    .toList();
            if (busy.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads still in " + className + ": " + busy);
    }

    private HttpRequest.Builder request(String relative) {
        return HttpRequest.newBuilder(container.uri(relative)).timeout(READ);
    }

    private HttpRequest get(String relative) {
        return request(relative).GET().build();
    }

    private HttpRequest chunkedPost(String relative, byte[] body) {
        // an InputStream publisher has no length, so HttpClient sends Transfer-Encoding: chunked
        return request(relative)
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
    }

    /** Sends and waits, bounded: for a streamed body only the head is awaited. */
    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws Exception {
        return http.sendAsync(request, handler).get(30, TimeUnit.SECONDS);
    }

    private <T> T within(Duration limit, Callable<T> read) throws Exception {
        try {
            return readers.submit(read).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private String id(String prefix) {
        return prefix + "-" + ids.incrementAndGet();
    }

    private List<Long> pids(Path file) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (String pid : Processes.awaitFile(file, Await.LIMIT).split("\\s+")) {
            pids.add(Long.parseLong(pid));
        }
        return pids;
    }

    private byte[] rawRequest(String method, String target, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(container.base().getPort())
                .append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** {@code env | sort} output as a map, without what the shell adds itself. */
    private static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not a NAME=value line: " + line);
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        SHELL_OWN.forEach(env::remove);
        return env;
    }

    /** The entries that differ, as {@code NAME: expected -> actual}. */
    private static String difference(Map<String, String> expected, Map<String, String> actual) {
        Set<String> names = new TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        StringBuilder diff = new StringBuilder("meta-variables differ:");
        for (String name : names) {
            String want = expected.get(name);
            String got = actual.get(name);
            if (want == null ? got != null : !want.equals(got)) {
                diff.append("\n  ")
                        .append(name)
                        .append(": ")
                        .append(want == null ? "(unset)" : want)
                        .append(" -> ")
                        .append(got == null ? "(unset)" : got);
            }
        }
        return diff.toString();
    }

    private static Map<String, String> vars(String... nameValue) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            vars.put(nameValue[i], nameValue[i + 1]);
        }
        return vars;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
