package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.fastcgi.testing.PhpFpm.Pool;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.EarlyAnswerBackend;
import dev.gatehouse.it.support.FastCgiStatsServlet;
import dev.gatehouse.it.support.FullDuplexPost;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.MultipartBody;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.SendThenRead;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.SpoolFilesServlet;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FastCgiProxyServlet} in front of a real php-fpm, over TCP and over the Unix socket:
 * what PHP sees in $_SERVER, request and response bodies, static files and the fix_pathinfo
 * attack, the front controller, failures before and after the response head, client aborts,
 * concurrency against a small pool and thread use.
 *
 * <p>Three php-fpm instances keep the tests apart: {@code fpm} (8 workers) behind one container
 * per pool with the servlets {@code php} at {@code /} (maxSpoolBytes 1 MiB), {@code fc} (front
 * controller), {@code slow} (1 s read timeout), {@code down} (a closed port), {@code early}
 * (an {@link EarlyAnswerBackend}, maxSpoolBytes 8 MiB) and {@code nobuf} (maxSpoolBytes 1 MiB),
 * both with {@code requestBuffering=false}; {@code fpm4} with {@code pm.max_children = 4} for the
 * concurrency and slow-sender tests; {@code wide} (64 workers) for the thread test. After each
 * test no spooled request body is left in a context's temp dir.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FastCgiProxyContract {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    /**
     * The receive buffer of a client that does not read: small, so that the response stays on
     * the server's side. Left to the kernel, a quiet loopback socket may grow to {@code
     * net.ipv4.tcp_rmem}'s maximum (32 MiB here) and take a whole 32 MiB test response, leaving
     * the proxy nothing to buffer or to cut off.
     */
    private static final int NON_READER_BUFFER = 16 * 1024;

    private static final int BIG_BLOCKS = 3200; // 16 KiB each: 50 MiB
    private static final String CTX = "/ctx";

    @RegisterExtension
    static final PhpFpm fpm = new PhpFpm().maxChildren(8);

    @RegisterExtension
    static final PhpFpm fpm4 = new PhpFpm().maxChildren(4);

    @RegisterExtension
    static final PhpFpm wide = new PhpFpm().maxChildren(64);

    private static final String ENV =
            """
            <?php
            header('Content-Type: text/plain');
            foreach (['SCRIPT_NAME', 'SCRIPT_FILENAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI',
                    'DOCUMENT_URI', 'REQUEST_METHOD', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'HTTPS',
                    'HTTP_X_CUSTOM', 'HTTP_PROXY', 'HTTP_X_UNDER', 'HTTP_AUTHORIZATION'] as $k) {
                echo $k, '=', array_key_exists($k, $_SERVER) ? $_SERVER[$k] : '<unset>', "\\n";
            }
            """;

    /** Answers without reading php://input. */
    private static final String NO_READ =
            "<?php echo 'answered without reading ', $_SERVER['CONTENT_LENGTH'], ' bytes';";

    /** Echoes the announced length and the SHA-1 of the body it read. */
    private static final String RAW_SHA =
            """
            <?php
            echo 'length=', $_SERVER['CONTENT_LENGTH'], ' sha1=', sha1(file_get_contents('php://input'));
            """;

    /**
     * Writes {@code blocks} (default {@link #BIG_BLOCKS}) blocks of 16 KiB, flushing each, and its
     * progress to {@code progress-<id>} next to itself every 16 blocks.
     */
    private static final String BIG =
            """
            <?php
            header('Content-Type: application/octet-stream');
            $block = str_repeat('0123456789abcdef', 1024);
            $progress = __DIR__ . '/progress-' . preg_replace('/[^0-9]/', '', $_GET['id']);
            $blocks = isset($_GET['blocks']) ? (int) $_GET['blocks'] : %d;
            for ($i = 1; $i <= $blocks; $i++) {
                echo $block;
                flush();
                // write and rename: the test must never read a file cut short mid-write
                if ($i %% 16 == 0) { file_put_contents("$progress.tmp", $i * 16384); rename("$progress.tmp", $progress); }
            }
            """
                    .formatted(BIG_BLOCKS);

    private static final Map<String, String> SCRIPTS = Map.ofEntries(
            Map.entry("env.php", ENV),
            Map.entry("sub/env.php", ENV),
            Map.entry(
                    "forge.php",
                    """
                    <?php
                    header('Content-Type: text/plain');
                    ksort($_SERVER);
                    foreach ($_SERVER as $k => $v) {
                        if (preg_match('/FORWARDED|REMOTE_USER|^HTTP_X_/', $k)) { echo $k, '=', $v, "\\n"; }
                    }
                    """),
            Map.entry("sub/index.php", ENV),
            Map.entry("fc/index.php", ENV),
            Map.entry(
                    "form.php",
                    """
                    <?php
                    echo 'a=', $_POST['a'], ' b=', $_POST['b'], ' length=', $_SERVER['CONTENT_LENGTH'];
                    """),
            Map.entry(
                    "upload.php",
                    """
                    <?php
                    $f = $_FILES['f'];
                    echo 'name=', $f['name'], ' size=', $f['size'], ' sha1=', sha1_file($f['tmp_name']),
                        ' note=', $_POST['note'];
                    """),
            Map.entry("rawsha.php", RAW_SHA),
            Map.entry(
                    "status.php",
                    """
                    <?php
                    http_response_code(201);
                    header('X-Custom: yes');
                    setcookie('a', '1');
                    setcookie('b', '2');
                    setcookie('c', '3');
                    echo 'created';
                    """),
            Map.entry("big.php", BIG),
            Map.entry("nobuf/big.php", BIG),
            Map.entry("stall/big.php", BIG),
            Map.entry(
                    "sleep.php",
                    """
                    <?php
                    usleep((int) $_GET['ms'] * 1000);
                    echo 'slept';
                    """),
            Map.entry("slow/sleep.php", "<?php usleep((int) $_GET['ms'] * 1000); echo 'slept';"),
            Map.entry("noread.php", NO_READ),
            Map.entry("nobuf/noread.php", NO_READ),
            Map.entry("nobuf/rawsha.php", RAW_SHA),
            Map.entry("budget/rawsha.php", RAW_SHA),
            Map.entry("single/rawsha.php", RAW_SHA),
            Map.entry("early/noread.php", NO_READ),
            Map.entry("down/env.php", ENV),
            Map.entry(
                    "stream.php",
                    """
                    <?php
                    header('X-Pid: ' . getmypid());
                    for ($i = 0; $i < (int) $_GET['n']; $i++) {
                        echo str_repeat('x', 999), "\\n";
                        flush();
                        usleep(100000);
                    }
                    """),
            Map.entry(
                    "stderr.php",
                    """
                    <?php
                    error_log("first line\nsecond line");
                    echo 'out';
                    """),
            Map.entry("hugehead.php", "<?php header('X-Big: ' . str_repeat('a', 70000)); echo 'body';"),
            Map.entry("docs/index.html", "<p>static index</p>"),
            Map.entry("tiny/sleep.php", "<?php usleep((int) $_GET['ms'] * 1000); echo 'slept';"),
            Map.entry("uploads/evil.jpg", "<?php echo 'EXECUTED'; ?>\u00ff\u00d8 not an image"),
            Map.entry("deny/bin/x.php", "<?php echo 'EXECUTED';"),
            Map.entry("deny/conf/local.ini", "secret=1"),
            Map.entry("deny/ok.php", "<?php echo 'ok';"));

    abstract ServletContainer.Kind kind();

    private static final int EARLY_MAX_SPOOL = 8 << 20;

    /** The disk budget of the {@code budget} route: room for four 1 MiB spools (less 64 KiB in memory each). */
    private static final int BUDGET_DISK = 4 << 20;

    private final Map<Pool, ServletContainer> main = new EnumMap<>(Pool.class);
    private EarlyAnswerBackend early;
    private final Map<Pool, ServletContainer> four = new EnumMap<>(Pool.class);
    private ServletContainer wideContainer;
    private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    void start() throws IOException {
        for (PhpFpm f : List.of(fpm, fpm4, wide)) {
            for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
                f.writeScript(script.getKey(), script.getValue());
            }
        }
        String dead = "127.0.0.1:" + freePort();
        early = new EarlyAnswerBackend();
        for (Pool pool : Pool.values()) {
            String backend = backend(fpm, pool);
            main.put(
                    pool,
                    ServletContainer.servlets(
                            kind(),
                            CTX,
                            fpm.documentRoot(),
                            List.of(
                                    proxy("php", "/", backend(fpm, pool), 4).param("maxSpoolBytes", "1048576"),
                                    proxy("fc", "/fc/*", backend, 1).param("frontController", "/fc/index.php"),
                                    proxy("slow", "/slow/*", backend, 2).param("readTimeout", "1s"),
                                    proxy("early", "/early/*", early.address(), 2)
                                            .param("maxSpoolBytes", Integer.toString(EARLY_MAX_SPOOL))
                                            .param("requestBuffering", "false"),
                                    proxy("nobuf", "/nobuf/*", backend, 2)
                                            .param("maxSpoolBytes", "1048576")
                                            .param("requestBuffering", "false")
                                            .param("responseBuffering", "false"),
                                    proxy("stall", "/stall/*", backend, 2).param("sendTimeout", "2s"),
                                    proxy("budget", "/budget/*", backend, 2)
                                            .param("maxSpoolBytes", Integer.toString(32 << 20))
                                            .param("spoolDiskBytes", Integer.toString(BUDGET_DISK))
                                            .param("clientBodyTimeout", "8s"),
                                    proxy("single", "/single/*", backend, 2).param("maxSpooling", "1"),
                                    proxy("down", "/down/*", dead, 1).param("connectTimeout", "1s"),
                                    proxy("tiny", "/tiny/*", backend, 1).param("maxQueued", "0"),
                                    proxy("deny", "/deny/*", backend, 1)
                                            .param("deny", "/deny/bin/,*.ini")
                                            .param("denyStatus", "403"),
                                    ServletSpec.of("stats", FastCgiStatsServlet.class, "/__stats/*"),
                                    ServletSpec.of("spooled", SpoolFilesServlet.class, "/__spooled"),
                                    ServletSpec.of("default", kind().defaultServlet(), "/__default/*"))));
            four.put(
                    pool,
                    ServletContainer.servlets(
                            kind(),
                            CTX,
                            fpm4.documentRoot(),
                            List.of(
                                    proxy("php", "/", backend(fpm4, pool), 4),
                                    ServletSpec.of("stats", FastCgiStatsServlet.class, "/__stats/*"),
                                    ServletSpec.of("spooled", SpoolFilesServlet.class, "/__spooled"))));
        }
        wideContainer = ServletContainer.servlets(
                kind(),
                CTX,
                wide.documentRoot(),
                List.of(
                        proxy("php", "/", backend(wide, Pool.TCP), 64),
                        ServletSpec.of("stats", FastCgiStatsServlet.class, "/__stats/*")));
    }

    @AfterAll
    void stop() throws IOException {
        Stream.concat(Stream.concat(main.values().stream(), four.values().stream()), Stream.ofNullable(wideContainer))
                .forEach(ServletContainer::close);
        clientThreads.shutdownNow();
        if (early != null) {
            early.close();
        }
    }

    /** Every spool file is deleted however its request ended: none is left after a test. */
    @AfterEach
    void noSpooledBodyIsLeft() throws Exception {
        for (ServletContainer container :
                Stream.concat(main.values().stream(), four.values().stream()).toList()) {
            String[] last = {""};
            Await.until(
                    () -> (last[0] = spooled(container)).isEmpty(),
                    () -> "spool files left in the temp dir of " + container.base() + ": " + last[0]);
        }
    }

    private static ServletSpec proxy(String name, String mapping, String backend, int maxConnections) {
        return ServletSpec.of(name, FastCgiProxyServlet.class, mapping)
                .param("backend", backend)
                .param("maxConnections", Integer.toString(maxConnections))
                .param("maxQueued", "1000")
                .param("queueTimeout", "60s")
                .param("idleTimeout", "2s");
    }

    private static String backend(PhpFpm f, Pool pool) {
        return pool == Pool.TCP ? "127.0.0.1:" + f.address().getPort() : "unix:" + f.socketPath();
    }

    // ---- $_SERVER -------------------------------------------------------------------------

    /** One request as sent on the wire, and the $_SERVER values PHP must see ({root}: the document root). */
    record ServerCase(String name, String requestHead, String body, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Map<String, String> vars(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> serverCases() {
        List<ServerCase> cases = List.of(
                new ServerCase(
                        "query string as sent",
                        "GET /ctx/env.php?a=1&b=%20x%2F&c HTTP/1.1\r\n",
                        "",
                        vars(
                                "SCRIPT_NAME",
                                "/ctx/env.php",
                                "SCRIPT_FILENAME",
                                "{root}/env.php",
                                "PATH_INFO",
                                "<unset>",
                                "QUERY_STRING",
                                "a=1&b=%20x%2F&c",
                                "REQUEST_URI",
                                "/ctx/env.php?a=1&b=%20x%2F&c",
                                "DOCUMENT_URI",
                                "/ctx/env.php",
                                "REQUEST_METHOD",
                                "GET",
                                "CONTENT_TYPE",
                                "<unset>",
                                "HTTPS",
                                "<unset>")),
                new ServerCase(
                        "path info",
                        "GET /ctx/sub/env.php/extra/a%20b HTTP/1.1\r\n",
                        "",
                        vars(
                                "SCRIPT_NAME",
                                "/ctx/sub/env.php",
                                "SCRIPT_FILENAME",
                                "{root}/sub/env.php",
                                "PATH_INFO",
                                "/extra/a b",
                                "QUERY_STRING",
                                "",
                                "REQUEST_URI",
                                "/ctx/sub/env.php/extra/a%20b",
                                "DOCUMENT_URI",
                                "/ctx/sub/env.php/extra/a b")),
                new ServerCase(
                        "directory index",
                        "GET /ctx/sub/?x=1 HTTP/1.1\r\n",
                        "",
                        vars(
                                "SCRIPT_NAME",
                                "/ctx/sub/index.php",
                                "SCRIPT_FILENAME",
                                "{root}/sub/index.php",
                                "PATH_INFO",
                                "<unset>",
                                "REQUEST_URI",
                                "/ctx/sub/?x=1",
                                "DOCUMENT_URI",
                                "/ctx/sub/index.php")),
                new ServerCase(
                        "post body",
                        "POST /ctx/env.php HTTP/1.1\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                + "Content-Length: 5\r\n",
                        "hello",
                        vars(
                                "REQUEST_METHOD",
                                "POST",
                                "CONTENT_TYPE",
                                "text/plain; charset=utf-8",
                                "CONTENT_LENGTH",
                                "5")),
                new ServerCase(
                        "headers",
                        "GET /ctx/env.php HTTP/1.1\r\nX-Custom: v1\r\nProxy: http://evil:1/\r\n"
                                + "X_Under: u\r\nAuthorization: Basic YTpi\r\n",
                        "",
                        vars(
                                "HTTP_X_CUSTOM",
                                "v1",
                                "HTTP_PROXY",
                                "<unset>",
                                "HTTP_X_UNDER",
                                "<unset>",
                                "HTTP_AUTHORIZATION",
                                "<unset>")),
                new ServerCase(
                        "front controller",
                        "GET /ctx/fc/pretty/url?p=2 HTTP/1.1\r\n",
                        "",
                        vars(
                                "SCRIPT_NAME",
                                "/ctx/fc/index.php",
                                "SCRIPT_FILENAME",
                                "{root}/fc/index.php",
                                "PATH_INFO",
                                "/fc/pretty/url",
                                "QUERY_STRING",
                                "p=2",
                                "REQUEST_URI",
                                "/ctx/fc/pretty/url?p=2",
                                "DOCUMENT_URI",
                                "/ctx/fc/index.php")));
        List<Arguments> arguments = new ArrayList<>();
        for (Pool pool : Pool.values()) {
            for (ServerCase c : cases) {
                arguments.add(Arguments.of(pool, c));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("serverCases")
    void phpSeesTheMetaVariables(Pool pool, ServerCase c) throws IOException {
        URI base = main.get(pool).base();
        byte[] request = (c.requestHead() + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n" + c.body())
                .getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Response response = RawHttp.exchange(base, request, false, LIMIT);
        assertEquals(200, response.head().status(), response.text());
        Map<String, String> seen = new LinkedHashMap<>();
        for (String line : response.text().split("\n")) {
            int eq = line.indexOf('=');
            seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        c.expected()
                .forEach((k, v) ->
                        expected.put(k, v.replace("{root}", fpm.documentRoot().toString())));
        Map<String, String> actual = new LinkedHashMap<>();
        expected.keySet().forEach(k -> actual.put(k, seen.get(k)));
        assertEquals(expected, actual, response.text());
    }

    /**
     * Header names with a character PHP folds into {@code _} when it fills {@code $_SERVER}, or
     * any but letters, digits and {@code -}, never reach the application: sent before the genuine
     * X-Forwarded-For they would win over it, and Remote.User would become HTTP_REMOTE_USER.
     */
    @ParameterizedTest(name = "X{0}Forwarded{0}For")
    @ValueSource(strings = {".", "_", "!", "#", "$", "%", "&", "'", "*", "+", "^", "`", "|", "~"})
    void headerNamesThatCouldForgeAnotherAreDropped(String c) throws IOException {
        String forged = "X" + c + "Forwarded" + c + "For: 6.6.6.6\r\nRemote" + c + "User: admin\r\n" + "X" + c
                + "Trace: forged\r\n";
        byte[] request = ("GET /ctx/forge.php HTTP/1.1\r\n" + forged + "X-Forwarded-For: 1.2.3.4\r\n"
                        + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Response response = RawHttp.exchange(main.get(Pool.UNIX).base(), request, false, LIMIT);
        assertEquals(200, response.head().status(), response.text());
        assertEquals("HTTP_X_FORWARDED_FOR=1.2.3.4\n", response.text(), "only the genuine header reaches PHP");
    }

    /** A name the file system cannot hold is 404, with no document root and no stack trace. */
    @Test
    void aPathSegmentTooLongForTheFileSystemIs404WithoutDetails() throws Exception {
        HttpResponse<String> response = get(main.get(Pool.UNIX).uri("x".repeat(300) + "/info.php"));
        assertEquals(404, response.statusCode(), response.body());
        assertFalse(response.body().contains(fpm.documentRoot().toString()), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    /**
     * A decoded CR, LF or NUL in the path is refused before it can reach PATH_INFO, DOCUMENT_URI
     * or PATH_TRANSLATED of PHP, and whatever is logged about it stays on one line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/ctx/env.php/a%0d%0ab", "/ctx/nonexist%0aSEVERE:%20FORGED", "/ctx/env.php/%00"})
    void controlCharactersInTheDecodedPathAre400(String target) throws Exception {
        try (LogCapture log = LogCapture.install(FastCgiProxyServlet.class.getName())) {
            byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Response response = RawHttp.exchange(main.get(Pool.UNIX).base(), request, false, LIMIT);
            assertEquals(400, response.head().status(), response.text());
            assertTrue(
                    log.messages().stream().noneMatch(m -> m.contains("\n") || m.contains("\r")),
                    "a log line was split: " + log.messages());
        }
    }

    // ---- bodies ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Pool.class)
    void formPost(Pool pool) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(main.get(pool).uri("form.php"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("a=1&b=x+y%26z"))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("a=1 b=x y&z length=13", response.body());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void multipartUpload(Pool pool) throws Exception {
        byte[] file = random(300_000, 7);
        MultipartBody body = new MultipartBody("gatehouse-boundary")
                .field("note", "hi")
                .file("f", "pic.bin", "application/octet-stream", file);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(main.get(pool).uri("upload.php"))
                        .header("Content-Type", body.contentType())
                        .POST(body.publisher(false))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("name=pic.bin size=300000 sha1=" + sha1(file) + " note=hi", response.body());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void chunkedPostIsSpooledSoPhpGetsContentLength(Pool pool) throws Exception {
        byte[] body = random(700_000, 11);
        FullDuplexPost.Result result = FullDuplexPost.post(main.get(pool).uri("rawsha.php"), body, true);
        assertEquals(200, result.status());
        String expected = "length=700000 sha1=" + sha1(body);
        assertEquals(FullDuplexPost.sha256(expected.getBytes(StandardCharsets.US_ASCII)), result.bodySha256());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void chunkedPostBeyondTheSpoolLimitIs413(Pool pool) throws Exception {
        FullDuplexPost.Result result =
                FullDuplexPost.postRefusedEarly(main.get(pool).uri("rawsha.php"), random(1_200_000, 3), true);
        assertEquals(413, result.status());
    }

    // ---- request buffering ----------------------------------------------------------------

    /**
     * The slow-sender attack on a pool of four: six clients announce 100,000 bytes and send only
     * part (three less than the 64 KiB kept in memory, three more, which spill to a file). Their
     * bodies are buffered without a connection, so a GET is answered at once and the pool shows
     * nothing busy or queued; when they send the rest, each gets PHP's answer for its whole body.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void slowSendersHoldNoConnectionWhileTheirBodiesAreBuffered(Pool pool) throws Exception {
        ServletContainer container = four.get(pool);
        int length = 100_000;
        List<RawHttp> senders = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                byte[] body = random(length, 100 + i);
                int part = i % 2 == 0 ? 1_000 : 70_000;
                RawHttp sender = RawHttp.connect(container.base(), LIMIT);
                senders.add(sender);
                bodies.add(body);
                sender.write(postHead("rawsha.php", length).getBytes(StandardCharsets.ISO_8859_1));
                sender.write(Arrays.copyOf(body, part));
            }
            HttpResponse<String> other = http.send(
                    HttpRequest.newBuilder(container.uri("sleep.php?ms=1"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, other.statusCode());
            assertEquals("slept", other.body());
            assertEquals("busy=0", awaitStats(container, "php", "busy=0"));
            assertEquals("queued=0", awaitStats(container, "php", "queued=0"));
            // the three past the memory threshold are on disk, the three below it are not
            String[] files = {""};
            Await.until(
                    () -> (files[0] = spooled(container)).lines().count() == 3,
                    () -> "three spool files, found: " + files[0]);

            for (int i = 0; i < senders.size(); i++) {
                byte[] body = bodies.get(i);
                int part = i % 2 == 0 ? 1_000 : 70_000;
                senders.get(i).write(Arrays.copyOfRange(body, part, length));
            }
            for (int i = 0; i < senders.size(); i++) {
                RawHttp.Head head = senders.get(i).readHead();
                String text = new String(senders.get(i).body(head).readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals(200, head.status(), text);
                assertEquals("length=" + length + " sha1=" + sha1(bodies.get(i)), text);
            }
        } finally {
            for (RawHttp sender : senders) {
                sender.close();
            }
        }
    }

    /** A client that goes away while its body is being buffered leaves no file and no connection behind. */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void clientGoneWhileItsBodyIsBufferedLeavesNoFile(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        try (RawHttp sender = RawHttp.connect(container.base(), LIMIT)) {
            sender.write(postHead("rawsha.php", 200_000).getBytes(StandardCharsets.ISO_8859_1));
            sender.write(random(100_000, 5));
            String[] files = {""};
            Await.until(
                    () -> !(files[0] = spooled(container)).isEmpty(), () -> "a body past 64 KiB is spooled to a file");
            assertEquals("busy=0", awaitStats(container, "php", "busy=0"));
        }
        String[] files = {""};
        Await.until(
                () -> (files[0] = spooled(container)).isEmpty(),
                () -> "spool file left after the client left: " + files[0]);
        assertEquals(200, get(container.uri("sleep.php?ms=1")).statusCode());
    }

    /**
     * Issue 10, item 2: twelve chunked uploads (of up to 32 MiB) that send 1 MiB and stall,
     * against a disk budget of 4 MiB. The files never hold more than the budget, the uploads
     * beyond it are refused (503 with Retry-After, or the connection closed while they still
     * send) instead of each keeping a file, and once the ones admitted have been silent for
     * {@code clientBodyTimeout} (8 s) they get 408 and their files are gone.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void unfinishedChunkedUploadsAreBoundedByTheSpoolBudgetAndTimeOut(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        byte[] chunk = random(64 << 10, 23);
        byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        List<RawHttp> clients = new ArrayList<>();
        int refused = 0;
        int with503 = 0;
        List<RawHttp> spooling = new ArrayList<>();
        // the count covers every spool file in the temp dir: start when earlier tests' are gone
        String[] left = {""};
        Await.until(
                () -> (left[0] = spooled(container)).isEmpty(),
                () -> "spool files of earlier requests still there: " + left[0]);
        try {
            for (int i = 0; i < 12; i++) {
                RawHttp client = RawHttp.connect(container.base(), LIMIT);
                clients.add(client);
                try {
                    client.write(("POST " + CTX + "/budget/rawsha.php HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int c = 0; c < 16; c++) {
                        client.write(chunkHead);
                        client.write(chunk);
                        client.write(crlf);
                    }
                } catch (IOException e) {
                    // refused while still sending: the server answered and closed
                }
                long bytes = spooledBytes(container);
                if (bytes > BUDGET_DISK) {
                    fail("spool files hold " + bytes + " bytes, more than the budget, after " + (i + 1) + " uploads: "
                            + spooled(container));
                }
            }
            for (RawHttp client : clients) {
                client.readTimeout(Duration.ofSeconds(1)); // at most five wait it out: well within 8 s
                try {
                    RawHttp.Head head = client.readHead();
                    assertEquals(503, head.status(), head.statusLine());
                    assertNotNull(head.header("Retry-After"));
                    refused++;
                    with503++;
                } catch (java.net.SocketTimeoutException e) {
                    spooling.add(client); // admitted, still waiting for the rest of its body
                } catch (IOException e) {
                    refused++; // closed (or reset) after the refusal, before its answer could be read
                }
            }
            assertTrue(
                    spooling.size() <= 5 && refused >= 7 && with503 >= 1,
                    "within a budget of four: " + spooling.size() + " spooling, " + refused + " refused (" + with503
                            + " with a readable 503)");
            for (RawHttp client : spooling) {
                client.readTimeout(Duration.ofSeconds(20));
                assertEquals(408, client.readHead().status());
            }
        } finally {
            for (RawHttp client : clients) {
                client.close();
            }
        }
        String[] files = {""};
        Await.until(
                () -> (files[0] = spooled(container)).isEmpty(),
                () -> "spool files left after the idle uploads timed out: " + files[0]);
    }

    /**
     * {@code maxSpooling=1}: while one client's body is being buffered, another body is refused
     * with 503 and Retry-After at once; once the first is whole, the next is buffered again.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void bodiesBeyondMaxSpoolingAreRefusedWith503(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        byte[] body = random(100_000, 29);
        try (RawHttp first = RawHttp.connect(container.base(), LIMIT)) {
            first.write(postHead("single/rawsha.php", body.length).getBytes(StandardCharsets.ISO_8859_1));
            first.write(Arrays.copyOf(body, 70_000));
            // past the 64 KiB kept in memory: a file shows that the first is spooling
            String[] files = {""};
            Await.until(() -> !(files[0] = spooled(container)).isEmpty(), () -> "the first body is being spooled");
            RawHttp.Head refused;
            try (RawHttp second = RawHttp.connect(container.base(), LIMIT)) {
                second.write(postHead("single/rawsha.php", 10).getBytes(StandardCharsets.ISO_8859_1));
                second.write(Arrays.copyOf(body, 10));
                refused = second.readHead();
            }
            assertEquals(503, refused.status(), refused.statusLine());
            assertNotNull(refused.header("Retry-After"));
            first.write(Arrays.copyOfRange(body, 70_000, body.length));
            RawHttp.Head head = first.readHead();
            assertEquals(200, head.status());
            assertEquals(
                    "length=100000 sha1=" + sha1(body),
                    new String(first.body(head).readAllBytes(), StandardCharsets.US_ASCII));
        }
        HttpResponse<String> after = http.send(
                HttpRequest.newBuilder(container.uri("single/rawsha.php"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), "the slot is free again: " + after.body());
    }

    /** A Content-Length beyond maxSpoolBytes (1 MiB) is refused before a byte of the body is read. */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void contentLengthBeyondTheSpoolLimitIs413BeforeTheBodyIsSent(Pool pool) throws Exception {
        try (RawHttp client = RawHttp.connect(main.get(pool).base(), Duration.ofSeconds(5))) {
            client.write(postHead("rawsha.php", 5 << 20).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(413, client.readHead().status());
        }
    }

    /** A megabyte body of known length is buffered (past memory, to a file) and reaches PHP whole. */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void megabytePostIsBufferedAndReachesPhpWhole(Pool pool) throws Exception {
        byte[] body = random(1_000_000, 13);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(main.get(pool).uri("rawsha.php"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("length=1000000 sha1=" + sha1(body), response.body());
    }

    /**
     * With {@code requestBuffering=false} a body streams as it comes: a client that has sent part
     * of it holds a connection (a php-fpm worker) until it sends the rest.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void withoutRequestBufferingTheBodyStreamsAndHoldsAConnection(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        byte[] body = random(100_000, 17);
        try (RawHttp sender = RawHttp.connect(container.base(), LIMIT)) {
            sender.write(postHead("nobuf/rawsha.php", body.length).getBytes(StandardCharsets.ISO_8859_1));
            sender.write(Arrays.copyOf(body, 70_000));
            assertEquals("busy=1", awaitStats(container, "nobuf", "busy=1"));
            assertEquals("", spooled(container), "a streamed body is not spooled");
            sender.write(Arrays.copyOfRange(body, 70_000, body.length));
            RawHttp.Head head = sender.readHead();
            assertEquals(200, head.status());
            assertEquals(
                    "length=100000 sha1=" + sha1(body),
                    new String(sender.body(head).readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("busy=0", awaitStats(container, "nobuf", "busy=0"));
    }

    /**
     * With {@code responseBuffering=false} a slow client pauses the transport: the script stalls
     * instead of running ahead into the proxy's memory or disk, and the body arrives whole.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void withoutResponseBufferingABigDownloadStreamsWithBackpressure(Pool pool) throws Exception {
        String id = Long.toString(System.nanoTime());
        Path progress = fpm.documentRoot().resolve("nobuf/progress-" + id);
        MessageDigest sha = MessageDigest.getInstance("SHA-1");
        try (RawHttp client = RawHttp.connect(main.get(pool).base(), LIMIT, NON_READER_BUFFER)) {
            client.write(
                    ("GET /ctx/nobuf/big.php?id=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Head head = client.readHead();
            assertEquals(200, head.status());
            InputStream body = client.body(head);
            long read = copy(body, sha, 1 << 20);
            Thread.sleep(1500); // a slow client: the script must stall, not run ahead into memory
            // Stalled, not merely behind: the script has not finished and writes nothing more while
            // the client reads nothing. How far it got is the kernel's business (the socket
            // buffers between php-fpm, the proxy and the client autotune up to tcp_rmem's and
            // tcp_wmem's maximum: 44 MiB of 50 was seen on a machine where they are 32 and 4 MiB),
            // so a fixed bound on it failed there; a proxy that buffered would finish the 50 MiB.
            // Waits (with a deadline) for two samples 300 ms apart to agree: the script is stuck.
            long total = (long) BIG_BLOCKS * 16384;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long produced = Long.parseLong(Files.readString(progress));
            long later = -1;
            while (System.nanoTime() < deadline) {
                Thread.sleep(300);
                later = Long.parseLong(Files.readString(progress));
                if (later == produced) {
                    break;
                }
                produced = later;
            }
            assertTrue(
                    later == produced && produced < total,
                    "php wrote " + produced + " (then " + later + ") of " + total + " bytes while the client read "
                            + read + ": the proxy buffers instead of pausing");
            read += copy(body, sha, Long.MAX_VALUE);
            assertEquals((long) BIG_BLOCKS * 16384, read);
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-1");
        byte[] block = "0123456789abcdef".repeat(1024).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < BIG_BLOCKS; i++) {
            expected.update(block);
        }
        assertEquals(HexFormat.of().formatHex(expected.digest()), HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * Clients that never read a 32 MiB response hold no php-fpm worker (issue 10, item 1): six of
     * them against a pool of four, and each script still runs to its end, at php-fpm's speed,
     * while the proxy absorbs the responses into files; another client's request is answered at
     * once (with backpressure only it would wait for a worker, and time out). The files go when
     * the clients do.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void clientsThatDoNotReadHoldNoWorkerWhileTheirResponsesAreBuffered(Pool pool) throws Exception {
        ServletContainer container = four.get(pool);
        long total = 2048L * 16384;
        List<RawHttp> stalled = new ArrayList<>();
        List<Path> progress = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                String id = System.nanoTime() + "" + i;
                progress.add(fpm4.documentRoot().resolve("progress-" + id));
                // small: left to the kernel, a quiet socket may take the whole response
                RawHttp client = RawHttp.connect(container.base(), LIMIT, NON_READER_BUFFER);
                stalled.add(client);
                client.write(("GET /ctx/big.php?blocks=2048&id=" + id
                                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            // every worker has started one of them before the other client asks
            Await.until(
                    () -> progress.stream().filter(Files::exists).count() >= 4,
                    () -> "four of the scripts started: "
                            + progress.stream().filter(Files::exists).count());
            HttpResponse<String> other = http.send(
                    HttpRequest.newBuilder(container.uri("sleep.php?ms=1"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, other.statusCode());
            assertEquals("slept", other.body());
            for (Path p : progress) {
                Await.until(
                        Duration.ofSeconds(30),
                        () -> Long.toString(total).equals(readQuietly(p)),
                        () -> "the script behind a client that does not read ran to its end: " + readQuietly(p));
            }
            assertEquals("busy=0", awaitStats(container, "php", "busy=0"));
            String[] files = {""};
            Await.until(
                    () -> (files[0] = spooled(container)).contains(SpoolFilesServlet.RESPONSE_PREFIX),
                    () -> "responses buffered to files, found: " + files[0]);
        } finally {
            for (RawHttp client : stalled) {
                client.close();
            }
        }
        String[] files = {""};
        Await.until(
                () -> (files[0] = spooled(container)).isEmpty(),
                () -> "response buffers left after their clients left: " + files[0]);
    }

    /**
     * A client that takes nothing of a buffered response for {@code sendTimeout} (2 s) has its
     * connection aborted and its buffer deleted (nginx's {@code send_timeout}): when it reads at
     * last it finds the body cut short, never a response that looks complete.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void aClientThatTakesNothingForTheSendTimeoutIsCutOffAndItsBufferDeleted(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        long total = 2048L * 16384;
        try (RawHttp client = RawHttp.connect(container.base(), LIMIT, NON_READER_BUFFER)) {
            // kept alive, so the body is chunked: a cut one is told from a whole one by its end
            client.write(("GET /ctx/stall/big.php?blocks=2048&id=" + System.nanoTime()
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String[] files = {""};
            Await.until(
                    () -> (files[0] = spooled(container)).contains(SpoolFilesServlet.RESPONSE_PREFIX),
                    () -> "the response is buffered to a file, found: " + files[0]);
            Await.until(
                    () -> (files[0] = spooled(container)).isEmpty(),
                    () -> "the buffer of a client silent past sendTimeout is deleted, found: " + files[0]);
            assertEquals("busy=0", awaitStats(container, "stall", "busy=0"));
            // an aborted body ends early (EOFException) or by a reset: never as a complete one
            assertThrows(IOException.class, () -> {
                RawHttp.Head head = client.readHead();
                assertEquals(200, head.status());
                assertTrue(head.chunked(), "a kept-alive response of unknown length is chunked");
                copy(client.body(head), MessageDigest.getInstance("SHA-1"), total + 1);
            });
        }
    }

    /**
     * PHP reads the rest of STDIN itself before it ends a request (the SAPI drains the body a
     * script left unread), so a script that ignores its streamed body ({@code nobuf}) holds its
     * worker until the body is in: the client that sends it whole first gets the answer. No
     * Content-Type, so that PHP does not read the body as form data before the script runs.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void phpScriptThatReadsNoBodyStillAnswersAClientThatSendsItWholeFirst(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        long length = 5 << 20;
        SendThenRead.Outcome outcome =
                SendThenRead.post(container.base(), postHead("nobuf/noread.php", length), length, LIMIT);
        assertNull(outcome.sendFailure(), "sending the body failed");
        assertEquals(length, outcome.sent());
        assertNull(outcome.readFailure(), "reading the response failed");
        assertEquals(200, outcome.response().head().status());
        assertEquals(
                "answered without reading " + length + " bytes",
                outcome.response().text());
        assertEquals("busy=0", awaitStats(container, "nobuf", "busy=0"));
    }

    /**
     * The application ends the request (END_REQUEST) before it has read STDIN: the proxy reads
     * and drops the rest of the client's body before it completes the response, so a client that
     * sends its whole body before it reads gets the answer.
     */
    @Test
    void applicationThatEndsBeforeReadingStdinStillAnswersAClientThatSendsItWholeFirst() throws Exception {
        ServletContainer container = main.get(Pool.TCP);
        long length = 5 << 20;
        SendThenRead.Outcome outcome =
                SendThenRead.post(container.base(), postHead("early/noread.php", length), length, LIMIT);
        assertNull(outcome.sendFailure(), "sending the body failed");
        assertEquals(length, outcome.sent());
        assertNull(outcome.readFailure(), "reading the response failed");
        assertEquals(200, outcome.response().head().status());
        assertEquals(EarlyAnswerBackend.BODY, outcome.response().text());
        assertEquals("busy=0", awaitStats(container, "early", "busy=0"));
    }

    /**
     * A body beyond the drain bound (maxSpoolBytes, 8 MiB for {@code early}) is not read to its
     * end: the connection is closed, and the client has the answer or sees the close.
     */
    @Test
    void bodyBeyondTheDrainBoundIsNotReadToItsEnd() throws Exception {
        ServletContainer container = main.get(Pool.TCP);
        long length = 1L << 30;
        SendThenRead.Outcome outcome =
                SendThenRead.post(container.base(), postHead("early/noread.php", length), length, LIMIT);
        assertNotNull(outcome.sendFailure(), "the server read all of " + length + " bytes");
        assertTrue(outcome.sent() < length, outcome.sent() + " bytes sent");
        if (outcome.response() != null) {
            assertEquals(200, outcome.response().head().status());
            assertEquals(EarlyAnswerBackend.BODY, outcome.response().text());
        } else {
            assertTrue(outcome.readFailure() instanceof IOException);
        }
        assertEquals("busy=0", awaitStats(container, "early", "busy=0"));
        assertEquals(200, get(container.uri("sleep.php?ms=1")).statusCode());
    }

    /**
     * A client that stops sending in the middle of its body gets the whole answer once the drain
     * time (5 s) has passed after the response was written, not when its connection times out.
     */
    @Test
    void clientThatStopsSendingGetsTheAnswerAfterTheDrainTime() throws Exception {
        ServletContainer container = main.get(Pool.TCP);
        long length = 1 << 20;
        try (RawHttp raw = RawHttp.connect(container.base(), LIMIT)) {
            raw.write(postHead("early/noread.php", length).getBytes(StandardCharsets.ISO_8859_1));
            raw.write(new byte[100_000]);
            long start = System.nanoTime();
            RawHttp.Head head = raw.readHead();
            byte[] body = raw.body(head).readAllBytes();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, head.status());
            assertEquals(EarlyAnswerBackend.BODY, new String(body, StandardCharsets.UTF_8));
            assertTrue(millis < 10_000, "the response ended after " + millis + " ms");
        }
        assertEquals("busy=0", awaitStats(container, "early", "busy=0"));
    }

    // ---- response head, static files, routing ---------------------------------------------

    /**
     * A small answer (STDOUT and END_REQUEST read together) is completed without a flush before
     * its end, so the container sends it with a Content-Length rather than chunked.
     */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void smallResponseIsNotFlushedBeforeItsEndAndGetsAContentLength(Pool pool) throws Exception {
        HttpResponse<String> response = get(main.get(pool).uri("status.php"));
        assertEquals(201, response.statusCode());
        assertEquals("created", response.body());
        assertEquals(
                "7",
                response.headers()
                        .firstValue("Content-Length")
                        .orElse("none, transfer-encoding "
                                + response.headers()
                                        .firstValue("Transfer-Encoding")
                                        .orElse("none")));
    }

    /** A script that flushes as it goes reaches the client as it goes, not at its end. */
    @ParameterizedTest
    @EnumSource(Pool.class)
    void streamedOutputReachesTheClientWhileTheScriptRuns(Pool pool) throws Exception {
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(
                HttpRequest.newBuilder(main.get(pool).uri("stream.php?n=30"))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            byte[] first = body.readNBytes(1000);
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("x".repeat(999) + "\n", new String(first, StandardCharsets.ISO_8859_1));
            // the script runs 30 x 100 ms; its first line is flushed after the first echo
            assertTrue(firstMillis < 2_000, "first line after " + firstMillis + " ms");
            assertEquals(29 * 1000, body.readAllBytes().length);
        }
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void statusHeadersAndSeveralCookies(Pool pool) throws Exception {
        HttpResponse<String> response = get(main.get(pool).uri("status.php"));
        assertEquals(201, response.statusCode());
        assertEquals("yes", response.headers().firstValue("X-Custom").orElse(null));
        assertEquals(List.of("a=1", "b=2", "c=3"), response.headers().allValues("Set-Cookie"));
        assertEquals("created", response.body());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void fixPathinfoAttackIsRefusedWhileTheUploadIsServedAsBytes(Pool pool) throws Exception {
        HttpResponse<String> attack = get(main.get(pool).uri("uploads/evil.jpg/x.php"));
        assertEquals(404, attack.statusCode());
        assertFalse(attack.body().contains("EXECUTED"));
        HttpResponse<byte[]> file = http.send(
                HttpRequest.newBuilder(main.get(pool).uri("uploads/evil.jpg"))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertEquals(
                HexFormat.of().formatHex(Files.readAllBytes(fpm.documentRoot().resolve("uploads/evil.jpg"))),
                HexFormat.of().formatHex(file.body()));
    }

    /**
     * deny with denyStatus=403: refused before php-fpm and before the default servlet, whatever
     * the case or encoding (the case variants name no file here, so without the pattern they
     * would be 404), with one log line naming the pattern; other scripts run.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "deny/bin/x.php",
                "deny/BIN/x.php",
                "deny/%62in/x.php",
                "deny/bin/x.php/more",
                "deny/conf/local.ini",
                "deny/conf/LOCAL.INI"
            })
    void deniedPathsAre403BeforeTheBackendAndTheDefaultServlet(String target) throws Exception {
        ServletContainer c = main.get(Pool.TCP);
        try (LogCapture log = LogCapture.install(FastCgiProxyServlet.class.getName())) {
            RawHttp.Response response = RawHttp.exchange(
                    c.base(),
                    ("GET " + c.base().getPath() + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1),
                    false,
                    LIMIT);
            assertEquals(403, response.head().status(), response.text());
            assertFalse(response.text().contains("EXECUTED") || response.text().contains("secret"), response.text());
            // await takes the whole list of lines: wait for one about the denial, then check it
            List<String> lines =
                    log.await(all -> all.stream().anyMatch(l -> l.contains("denied by")), Await.LIMIT).stream()
                            .filter(l -> l.contains("denied by"))
                            .toList();
            assertEquals(1, lines.size(), "one line about the denial: " + log.messages());
            assertTrue(
                    lines.get(0).contains(target.endsWith(".ini") || target.endsWith(".INI") ? "*.ini" : "/deny/bin/"),
                    lines.get(0));
        }
        assertEquals("ok", get(c.uri("deny/ok.php")).body());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void staticFileIsServedByTheDefaultServletButADirectoryTriesOnlyIndexPhp(Pool pool) throws Exception {
        HttpResponse<String> file = get(main.get(pool).uri("docs/index.html"));
        assertEquals(200, file.statusCode());
        assertEquals("<p>static index</p>", file.body());
        assertEquals(404, get(main.get(pool).uri("docs/")).statusCode()); // indexFile is index.php
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void missingScriptIs404AndHiddenFileIs403(Pool pool) throws Exception {
        assertEquals(404, get(main.get(pool).uri("missing.php")).statusCode());
        assertEquals(403, get(main.get(pool).uri(".env")).statusCode());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void stderrIsLoggedLineByLineWithTheScriptName(Pool pool) throws Exception {
        try (LogCapture log = LogCapture.install("dev.gatehouse.fastcgi.stderr")) {
            HttpResponse<String> response = get(main.get(pool).uri("stderr.php"));
            assertEquals(200, response.statusCode());
            assertEquals("out", response.body());
            List<String> lines = log.await(m -> m.size() >= 2, Await.LIMIT);
            // php-fpm prefixes an error_log() message with "PHP message: " (and joins several with "; ")
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(
                    lines.get(0).startsWith("/ctx/stderr.php: ") && lines.get(0).endsWith("first line"),
                    lines.toString());
            assertTrue(lines.get(1).equals("/ctx/stderr.php: second line"), lines.toString());
        }
    }

    // ---- failures -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Pool.class)
    void oversizedHeaderBlockIs502WithALogLine(Pool pool) throws Exception {
        try (LogCapture log = LogCapture.install(FastCgiProxyServlet.class.getName())) {
            HttpResponse<String> response = get(main.get(pool).uri("hugehead.php"));
            assertEquals(502, response.statusCode());
            assertFalse(response.headers().firstValue("X-Big").isPresent());
            Predicate<List<String>> logged = m -> m.stream()
                    .anyMatch(s -> s.startsWith("/ctx/hugehead.php: 502, bad CGI response header"
                            + " block from /ctx/hugehead.php: header block exceeds 65536 bytes"));
            List<String> messages = log.await(logged, Await.LIMIT);
            assertTrue(logged.test(messages), messages.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void noFreeConnectionAndNoQueueIs503WithRetryAfter(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        CompletableFuture<HttpResponse<String>> occupying = http.sendAsync(
                HttpRequest.newBuilder(container.uri("tiny/sleep.php?ms=1500"))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("busy=1", awaitStats(container, "tiny", "busy=1"));
        HttpResponse<String> refused = get(container.uri("tiny/sleep.php?ms=1"));
        assertEquals(503, refused.statusCode());
        assertEquals("60", refused.headers().firstValue("Retry-After").orElse(null)); // queueTimeout 60s
        HttpResponse<String> first = occupying.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, first.statusCode());
        assertEquals("slept", first.body());
    }

    @Test
    void backendDownIs502WithinTheConnectTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(main.get(Pool.TCP).uri("down/env.php"));
        assertEquals(502, response.statusCode());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void scriptSilentPastTheReadTimeoutIs504(Pool pool) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(main.get(pool).uri("slow/sleep.php?ms=4000"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, response.statusCode());
        assertTrue(millis >= 900 && millis < 3500, millis + " ms");
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void workerKilledMidResponseAbortsTheClientConnection(Pool pool) throws Exception {
        try (RawHttp client = RawHttp.connect(main.get(pool).base(), LIMIT)) {
            client.write("GET /ctx/stream.php?n=100 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Head head = client.readHead();
            assertEquals(200, head.status());
            InputStream body = client.body(head);
            assertEquals(3000, body.readNBytes(3000).length);
            long pid = Long.parseLong(head.header("X-Pid"));
            assertTrue(fpm.pids().contains(pid), "X-Pid is a php-fpm worker: " + pid);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            // the connection ends inside the chunked body (EOF or reset), never with the last chunk
            assertThrows(IOException.class, body::readAllBytes, "the response must not end as if complete");
        }
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void clientAbortAbortsTheExchangeAndFreesTheConnection(Pool pool) throws Exception {
        ServletContainer container = main.get(pool);
        try (LogCapture log = LogCapture.install(FastCgiProxyServlet.class.getName())) {
            try (RawHttp client = RawHttp.connect(container.base(), LIMIT)) {
                client.write("GET /ctx/stream.php?n=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, client.readHead().status());
                assertEquals("busy=1", awaitStats(container, "php", "busy=1"));
            }
            List<String> messages =
                    log.await(m -> m.stream().anyMatch(s -> s.contains("/ctx/stream.php: client gone")), Await.LIMIT);
            assertTrue(
                    messages.stream().anyMatch(s -> s.contains("/ctx/stream.php: client gone")), messages.toString());
        }
        assertEquals("busy=0", awaitStats(container, "php", "busy=0"));
        assertEquals(200, get(container.uri("sleep.php?ms=1")).statusCode());
    }

    // ---- concurrency and threads ----------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Pool.class)
    void manyConcurrentRequestsShareFourConnections(Pool pool) throws Exception {
        ServletContainer container = four.get(pool);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            responses.add(http.sendAsync(
                    HttpRequest.newBuilder(container.uri("env.php?i=" + i))
                            .timeout(LIMIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = responses.get(i).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("QUERY_STRING=i=" + i + "\n"), response.body());
        }
        String stats = get(container.uri("__stats/php")).body();
        int peak = Integer.parseInt(stats.replaceAll(".*peakOpen=(\\d+).*", "$1"));
        assertTrue(peak >= 1 && peak <= 4, stats);
        // kept-alive connections pin the workers: the status request must wait until they close
        assertEquals("open=0", awaitStats(container, "php", "open=0"));
        // No check of php-fpm's "max listen queue" here any more: it is sampled, and counts a
        // connection that waits a moment for an idle worker to be scheduled as much as one that
        // waits for a worker pinned by another connection. Two CI runs at once on two cores gave 3.
        // The second kind is what matters, and the checks above catch it: a fifth connection to
        // four workers pinned by kept-alive ones would wait for an idle timeout (60 s) and miss the
        // responses' deadline, and peakOpen would be 5.
    }

    @Test
    void threadCountStaysFlatUnderManySlowRequests() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // warm-up with the same shape of load: the container's own pools grow to their working size
        for (CompletableFuture<HttpResponse<String>> r : fire(300, "sleep.php?ms=300")) {
            assertEquals(200, r.get(LIMIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        }
        int before = threads.getThreadCount();
        List<CompletableFuture<HttpResponse<String>>> slow = fire(300, "sleep.php?ms=1000");
        int peak = before;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!slow.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() < deadline) {
            peak = Math.max(peak, threads.getThreadCount());
            Thread.sleep(50);
        }
        for (CompletableFuture<HttpResponse<String>> response : slow) {
            HttpResponse<String> r = response.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("slept", r.body());
        }
        // a thread per request would add 300 (or exhaust a 200-thread pool); the containers' own
        // pools move by a few dozen under bursts of completions (seen up to +64 on Jetty)
        assertTrue(peak - before <= 100, "threads grew from " + before + " to " + peak + " for 300 requests");
    }

    private List<CompletableFuture<HttpResponse<String>>> fire(int count, String path) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(http.sendAsync(
                    HttpRequest.newBuilder(wideContainer.uri(path))
                            .timeout(LIMIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return responses;
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A POST head to a path under the context, with Content-Length {@code length}, no Content-Type. */
    private static String postHead(String relative, long length) {
        return "POST " + CTX + "/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n";
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(LIMIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The names of the request bodies spooled in the context's temp dir, one per line; empty if none. */
    private String spooled(ServletContainer container) {
        try {
            HttpResponse<String> response = get(container.uri("__spooled"));
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (IOException e) {
            // e.g. a kept-alive connection the server had just closed: not an answer, ask again
            return "(no answer: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of the spool and buffer files in the context's temp dir; -1 if unknown. */
    private long spooledBytes(ServletContainer container) {
        try {
            HttpResponse<String> response = get(container.uri("__spooled?bytes"));
            return Long.parseLong(response.body().strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls the stats servlet until its answer contains {@code wanted} (bounded); returns that part or all. */
    private String awaitStats(ServletContainer container, String servlet, String wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String stats = "";
        while (System.nanoTime() < deadline) {
            stats = get(container.uri("__stats/" + servlet)).body();
            if ((" " + stats + " ").contains(" " + wanted + " ")) {
                return wanted;
            }
            Thread.sleep(50);
        }
        return stats;
    }

    /** A file's text, or what kept it from being read. */
    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static long copy(InputStream in, MessageDigest sha, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        while (total < limit) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
            if (n < 0) {
                break;
            }
            sha.update(buffer, 0, n);
            total += n;
        }
        return total;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha1(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
