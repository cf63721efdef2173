package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.FastCgiProxyServlet;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.LogCapture;
import dev.gatehouse.it.support.ManagedBackendServlet;
import dev.gatehouse.it.support.NoProcessLeftBehind;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Flask application ({@code it-tests/src/test/resources/wsgi-app/app.py}, Debian's
 * python3-flask) run by uWSGI as {@link FastCgiProxyServlet}'s managed backend
 * ({@code managedBackend=command}) with {@code scriptName=mapping}, exactly as the README's
 * section "WSGI applications (Flask, Django) through uWSGI" shows: Flask routes and builds URLs
 * under a context path and a servlet mapping, hashes a 10 MiB upload, streams a response chunk by
 * chunk, answers its own 404, and the undeployed container leaves no uWSGI process.
 */
@ExtendWith(NoProcessLeftBehind.class)
abstract class WsgiApplicationContract {

    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final Pattern STATE = Pattern.compile("kind=command pid=(\\d+) pids=(\\S+) dir=(\\S+) restarts=0");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServletContainer container;

    @TempDir
    Path app;

    @TempDir
    Path release;

    abstract ServletContainer.Kind kind();

    @AfterEach
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    /** The README's uWSGI command line for the application in {@code dir}. */
    static String uwsgiCommand(Path dir) {
        return "uwsgi --strict --need-app --master --die-on-term --worker-reload-mercy 2"
                + " --plugin python3 --fastcgi-socket {address} --processes {children} --buffer-size 32768"
                + " --disable-logging --chdir " + dir + " --wsgi-file app.py --callable app";
    }

    private void deploy(String contextPath, String mapping) throws IOException {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/wsgi-app/app.py"))) {
            Files.copy(in, app.resolve("app.py"));
        }
        ServletSpec flask = ServletSpec.of("flask", FastCgiProxyServlet.class, mapping)
                .param("scriptName", "mapping")
                .param("managedBackend", "command")
                .param("backendCommand", uwsgiCommand(app))
                .param("backendChildren", "2")
                .param("backendEnv", "RELEASE_DIR=" + release);
        container = ServletContainer.servlets(
                kind(),
                contextPath,
                app,
                List.of(flask, ServletSpec.of("backend", ManagedBackendServlet.class, "/backend/*")));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(container.uri(path)).timeout(LIMIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void flaskUnderAContextPathAndAPathMapping() throws Exception {
        deploy("/ctx", "/app/*");
        Matcher backend = backendState();

        // a route that names no file: SCRIPT_NAME is the mapping, PATH_INFO the route; a header
        // block beyond uWSGI's default 4 KiB buffer needs --buffer-size
        HttpResponse<String> user = http.send(
                HttpRequest.newBuilder(container.uri("app/users/caf%C3%A9%207?x=1%262"))
                        .header("X-Big", "b".repeat(6000))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, user.statusCode(), user.body());
        assertEquals(
                """
                script_root=/ctx/app
                path=/users/café 7
                user=café 7
                x=1&2
                url_for_user=/ctx/app/users/42
                url_for_upload=/ctx/app/upload
                big_header=6000
                """,
                user.body());

        HttpResponse<String> unknown = get("app/no/such/route");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("The requested URL was not found on the server."), unknown.body());

        byte[] body = new byte[10 * 1024 * 1024];
        new Random(13).nextBytes(body);
        long started = System.nanoTime();
        HttpResponse<String> upload = http.send(
                HttpRequest.newBuilder(container.uri("app/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .timeout(LIMIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long uploadMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, upload.statusCode(), upload.body());
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertEquals(body.length + " " + sha256 + "\n", upload.body());

        streams();

        long stopping = System.nanoTime();
        undeployLeavesNoUwsgi(backend);
        System.out.printf(
                "[wsgi %s] 10 MiB upload hashed in %d ms, undeploy %d ms%n",
                kind(), uploadMillis, (System.nanoTime() - stopping) / 1_000_000);
    }

    /**
     * The root context and {@code /*}: SCRIPT_NAME is empty, PATH_INFO the whole path. The first
     * request does not wait for a GET_VALUES answer that uWSGI never gives.
     */
    @Test
    void flaskAtTheRootOfTheRootContext() throws Exception {
        Matcher backend;
        HttpResponse<String> user;
        try (LogCapture client = LogCapture.install("dev.gatehouse.fastcgi.client")) {
            deploy("", "/*");
            backend = backendState();
            user = get("users/7");
            assertEquals(
                    List.of(),
                    client.messages().stream()
                            .filter(m -> m.contains("GET_VALUES"))
                            .toList());
        }
        assertEquals(200, user.statusCode(), user.body());
        assertEquals(
                """
                script_root=
                path=/users/7
                user=7
                x=
                url_for_user=/users/42
                url_for_upload=/upload
                big_header=0
                """,
                user.body());
        assertEquals(404, get("users/7/more").statusCode());
        undeployLeavesNoUwsgi(backend);
    }

    /**
     * The generator's first chunk reaches the client while the rest waits for the client to have
     * it: the response streams through uWSGI, the proxy and the container, unbuffered.
     */
    private void streams() throws Exception {
        try (RawHttp raw = RawHttp.connect(container.base(), LIMIT)) {
            // kept alive, so that a body of unknown length must be chunked rather than end with the connection
            raw.write(("GET " + container.uri("app/stream/one").getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Head head = raw.readHead();
            assertEquals(200, head.status());
            assertTrue(
                    head.chunked(), head.fields().stream().map(Arrays::toString).toList()::toString);
            InputStream in = raw.body(head);
            byte[] first = in.readNBytes("first chunk\n".length());
            assertEquals("first chunk\n", new String(first, StandardCharsets.UTF_8));
            Files.createFile(release.resolve("one"));
            assertEquals("chunk 1\nchunk 2\nchunk 3\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The uWSGI master and its 2 workers, as the servlet reports them. uWSGI listens before it
     * loads the application and forks the workers (connections wait in the backlog meanwhile), so
     * the servlet may serve before the workers exist: wait for them.
     */
    private Matcher backendState() throws Exception {
        String[] body = {""};
        Await.until(
                () -> {
                    try {
                        HttpResponse<String> state = get("backend/flask");
                        body[0] = state.statusCode() + " " + state.body();
                        Matcher m = STATE.matcher(state.body());
                        return m.matches() && m.group(2).split(",").length == 3;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                () -> "a uWSGI master and 2 workers: " + body[0]);
        Matcher m = STATE.matcher(body[0].substring(body[0].indexOf(' ') + 1));
        assertTrue(m.matches(), body[0]);
        return m;
    }

    private void undeployLeavesNoUwsgi(Matcher backend) throws Exception {
        List<Long> pids =
                Arrays.stream(backend.group(2).split(",")).map(Long::valueOf).toList();
        for (long pid : pids) {
            String command =
                    ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("?");
            assertTrue(command.contains("uwsgi"), pid + " runs " + command);
        }
        Path dir = Path.of(backend.group(3));
        container.close();
        container = null;
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT), "uWSGI stopped with the container");
        Await.until(() -> !Files.exists(dir), () -> dir + " removed");
    }
}
