package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiServlet;
import dev.gatehouse.it.support.MultipartBody;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PHP through php-cgi, the interpreter mapped to {@code .php} by default: what PHP makes of the
 * meta-variables ($_SERVER, $_GET), of request bodies ($_POST, $_FILES, with and without
 * Content-Length) and how its header(), http_response_code() and setcookie() and its fatal
 * errors reach the client. php-cgi refuses to run without REDIRECT_STATUS, which the servlet sets.
 *
 * <p>Three servlets share one script root: {@code /php/*} with the default interpreter mapping,
 * and {@code /php-quiet/*} and {@code /php-loud/*} with php-cgi given {@code -d display_errors=0}
 * or {@code =1} through the {@code interpreters} init-param (arguments cannot come from the URL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoProcessLeftBehind.class)
abstract class PhpCgiContract {

    /** Prints what PHP made of the request line as JSON. */
    private static final String INFO =
            """
            <?php
            header('Content-Type: application/json');
            echo json_encode([
                'method' => $_SERVER['REQUEST_METHOD'],
                'get' => $_GET,
                'path_info' => $_SERVER['PATH_INFO'] ?? null,
                'script_name' => $_SERVER['SCRIPT_NAME'],
            ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
            """;

    /** The scripts, by path under the script root. */
    private static final Map<String, String> SCRIPTS = Map.of(
            "info.php", INFO,
            "sub/dir/info.php", INFO,
            "form.php",
                    """
                    <?php
                    header('Content-Type: application/json');
                    echo json_encode([
                        'method' => $_SERVER['REQUEST_METHOD'],
                        'content_type' => $_SERVER['CONTENT_TYPE'],
                        'content_length' => $_SERVER['CONTENT_LENGTH'] ?? null,
                        'post' => $_POST,
                    ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
                    """,
            "upload.php",
                    """
                    <?php
                    header('Content-Type: application/json');
                    $f = $_FILES['f'];
                    echo json_encode([
                        'note' => $_POST['note'],
                        'name' => $f['name'],
                        'type' => $f['type'],
                        'size' => $f['size'],
                        'error' => $f['error'],
                        'md5' => md5_file($f['tmp_name']),
                        'sha1' => sha1_file($f['tmp_name']),
                    ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
                    """,
            "created.php",
                    """
                    <?php
                    http_response_code(201);
                    header('X-Gatehouse-Test: created by PHP');
                    setcookie('first', '1');
                    setcookie('second', 'two words', ['path' => '/ctx', 'httponly' => true]);
                    header('Content-Type: text/plain');
                    echo "created\\n";
                    """,
            "fatal.php",
                    """
                    <?php
                    echo "before the error";
                    undefined_function();
                    echo "after the error";
                    """,
            "syntax.php",
                    """
                    <?php
                    echo "unterminated" this is not PHP;
                    """);

    private final HttpClient http = HttpClient.newHttpClient();
    private ServletContainer container;

    abstract ServletContainer.Kind kind();

    @BeforeAll
    void deploy(@TempDir Path scriptRoot) throws Exception {
        for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
            Path file = scriptRoot.resolve(script.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, script.getValue());
            // under an absolute scriptRoot a script needs its execute bit, as under Apache's ExecCGI
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        container = ServletContainer.servlets(
                kind(),
                "/ctx",
                null,
                List.of(
                        ServletSpec.of("php", CgiServlet.class, "/php/*").param("scriptRoot", scriptRoot.toString()),
                        ServletSpec.of("php-quiet", CgiServlet.class, "/php-quiet/*")
                                .param("scriptRoot", scriptRoot.toString())
                                .param("interpreters", ".php=php-cgi -d display_errors=0"),
                        ServletSpec.of("php-loud", CgiServlet.class, "/php-loud/*")
                                .param("scriptRoot", scriptRoot.toString())
                                .param("interpreters", ".php=php-cgi -d display_errors=1")));
    }

    @AfterAll
    void undeploy() {
        if (container != null) {
            container.close();
        }
    }

    /** A GET and the exact JSON that info.php prints for it. */
    record MetaCase(String path, String json) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<MetaCase> metaCases() {
        return Stream.of(
                new MetaCase(
                        "php/info.php",
                        "{\"method\":\"GET\",\"get\":[],\"path_info\":null,\"script_name\":\"/ctx/php/info.php\"}"),
                new MetaCase(
                        "php/info.php/extra/path?a=1&b=two%20words&arr%5B%5D=x&arr%5B%5D=y",
                        "{\"method\":\"GET\",\"get\":{\"a\":\"1\",\"b\":\"two words\",\"arr\":[\"x\",\"y\"]},"
                                + "\"path_info\":\"/extra/path\",\"script_name\":\"/ctx/php/info.php\"}"),
                new MetaCase(
                        "php/sub/dir/info.php/caf%C3%A9/x%20y?q=%E2%9C%93",
                        "{\"method\":\"GET\",\"get\":{\"q\":\"✓\"},"
                                + "\"path_info\":\"/café/x y\",\"script_name\":\"/ctx/php/sub/dir/info.php\"}"),
                // CVE-2012-1823: a query without '=' must never become php-cgi options (-s shows source)
                new MetaCase(
                        "php/info.php?-s",
                        "{\"method\":\"GET\",\"get\":{\"-s\":\"\"},\"path_info\":null,"
                                + "\"script_name\":\"/ctx/php/info.php\"}"));
    }

    @ParameterizedTest
    @MethodSource("metaCases")
    void phpSeesTheRequest(MetaCase c) throws Exception {
        HttpResponse<String> response = get(c.path());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(c.json(), response.body());
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void urlEncodedFormFillsPost(boolean chunked) throws Exception {
        String form = "name=Ada+Lovelace&lang%5B%5D=en&lang%5B%5D=fr&mark=%E2%9C%93";
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("php/form.php"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(
                                chunked
                                        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        // a chunked body is spooled (chunkedBody=spool, the default), so PHP gets CONTENT_LENGTH either way
        assertEquals(
                "{\"method\":\"POST\",\"content_type\":\"application/x-www-form-urlencoded\","
                        + "\"content_length\":\"" + body.length + "\","
                        + "\"post\":{\"name\":\"Ada Lovelace\",\"lang\":[\"en\",\"fr\"],\"mark\":\"✓\"}}",
                response.body());
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void multipartUploadArrivesIntact(boolean chunked) throws Exception {
        byte[] file = new byte[1024 * 1024];
        new SplittableRandom(chunked ? 2 : 1).nextBytes(file);
        MultipartBody multipart = new MultipartBody("----gatehouse-" + Long.toHexString(System.nanoTime()))
                .field("note", "1 MB of random bytes")
                .file("f", "random.bin", "application/octet-stream", file);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("php/upload.php"))
                        .header("Content-Type", multipart.contentType())
                        .POST(multipart.publisher(chunked))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "{\"note\":\"1 MB of random bytes\",\"name\":\"random.bin\",\"type\":\"application/octet-stream\","
                        + "\"size\":" + file.length + ",\"error\":0,"
                        + "\"md5\":\"" + digest("MD5", file) + "\",\"sha1\":\"" + digest("SHA-1", file) + "\"}",
                response.body());
    }

    @Test
    void statusHeadersAndCookiesFromPhp() throws Exception {
        HttpResponse<String> response = get("php/created.php");
        assertEquals(201, response.statusCode(), response.body());
        assertEquals(List.of("created by PHP"), response.headers().allValues("X-Gatehouse-Test"));
        assertEquals(
                List.of("first=1", "second=two%20words; path=/ctx; HttpOnly"),
                response.headers().allValues("Set-Cookie"));
        assertContentType("text/plain", "UTF-8", response);
        assertEquals("created\n", response.body());
    }

    @Test
    void headGetsTheHeadersOfGetWithoutBody() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(container.uri("php/created.php"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode());
        assertEquals(List.of("created by PHP"), response.headers().allValues("X-Gatehouse-Test"));
        assertEquals(
                2,
                response.headers().allValues("Set-Cookie").size(),
                response.headers().toString());
        assertEquals("", response.body());
    }

    /** A request for a failing script and what the client must get. */
    record ErrorCase(String path, int status, String body) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<ErrorCase> errorCases() {
        return Stream.of(
                // with display_errors off PHP answers 500 (Status header) and keeps what was echoed before
                new ErrorCase("php-quiet/fatal.php", 500, "before the error"),
                new ErrorCase("php-quiet/syntax.php", 500, ""),
                // with display_errors on PHP prints the error into a 200 page: proves the -d reached php-cgi
                new ErrorCase("php-loud/fatal.php", 200, null));
    }

    @ParameterizedTest
    @MethodSource("errorCases")
    void fatalErrorsGiveTheStatusPhpChose(ErrorCase c) throws Exception {
        HttpResponse<String> response = get(c.path());
        assertEquals(c.status(), response.statusCode(), response.body());
        assertContentType("text/html", "UTF-8", response);
        if (c.body() != null) {
            assertEquals(c.body(), response.body());
        } else {
            assertTrue(response.body().startsWith("before the error<br />\n<b>Fatal error</b>:"), response.body());
            assertTrue(response.body().contains("Call to undefined function undefined_function()"), response.body());
            assertFalse(response.body().contains("after the error"), response.body());
        }
    }

    /**
     * PHP adds {@code charset=UTF-8} (default_charset) to text types; the servlet hands the value
     * to {@code setContentType}, and each container writes it back in its own spelling
     * ({@code text/html;charset=utf-8} on Jetty): compare type and charset, not bytes.
     */
    private static void assertContentType(String type, String charset, HttpResponse<?> response) {
        String value = response.headers().firstValue("Content-Type").orElseThrow();
        String normalized = value.replace(" ", "").toLowerCase(Locale.ROOT);
        assertEquals((type + ";charset=" + charset).toLowerCase(Locale.ROOT), normalized, value);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(container.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String digest(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
