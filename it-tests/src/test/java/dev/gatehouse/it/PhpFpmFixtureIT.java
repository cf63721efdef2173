package dev.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.testing.FastCgiProbe;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import dev.gatehouse.fastcgi.testing.PhpFpm.Pool;
import dev.gatehouse.it.support.Await;
import dev.gatehouse.it.support.Processes;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The php-fpm fixture works: real FastCGI RESPONDER requests over TCP and a Unix socket, and the status page. */
class PhpFpmFixtureIT {

    private static final int CHILDREN = 3;
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final PhpFpm fpm = new PhpFpm().maxChildren(CHILDREN);

    @BeforeAll
    static void scripts() throws IOException {
        fpm.writeScript(
                "hello.php",
                """
                <?php
                header('X-Hello: ' . $_SERVER['SCRIPT_NAME']);
                echo "hello ", $_SERVER['REQUEST_METHOD'], " ", $_SERVER['QUERY_STRING'], " ", file_get_contents('php://input');
                """);
    }

    private static Map<String, String> params(String script, String method, String query, int contentLength) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("GATEWAY_INTERFACE", "CGI/1.1");
        p.put("REQUEST_METHOD", method);
        p.put("SCRIPT_NAME", "/" + script);
        p.put("SCRIPT_FILENAME", fpm.documentRoot().resolve(script).toString());
        p.put("DOCUMENT_ROOT", fpm.documentRoot().toString());
        p.put("QUERY_STRING", query);
        p.put("SERVER_PROTOCOL", "HTTP/1.1");
        if (contentLength >= 0) {
            p.put("CONTENT_LENGTH", Integer.toString(contentLength));
            p.put("CONTENT_TYPE", "text/plain");
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void helloOverEachListener(Pool pool) throws IOException {
        FastCgiProbe.Response response = FastCgiProbe.request(
                fpm.listener(pool),
                FastCgiProbe.params(params("hello.php", "GET", "via=" + pool.poolName(), -1)),
                new byte[0],
                LIMIT);
        assertEquals(
                "X-Hello: /hello.php\r\nContent-type: text/html; charset=UTF-8\r\n\r\nhello GET via=" + pool.poolName()
                        + " ",
                response.stdoutText(),
                response.toString());
        assertEquals("", response.stderr());
        assertTrue(FastCgiProbe.completed(response), response.toString());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void postBodyArrivesAsStdin(Pool pool) throws IOException {
        byte[] body = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8); // more than one STDIN record
        FastCgiProbe.Response response = FastCgiProbe.request(
                fpm.listener(pool), FastCgiProbe.params(params("hello.php", "POST", "", body.length)), body, LIMIT);
        assertEquals("hello POST  " + "x".repeat(100_000), response.body());
        assertTrue(FastCgiProbe.completed(response), response.toString());
    }

    @ParameterizedTest
    @EnumSource(Pool.class)
    void statusPageReportsTheConfiguredWorkersAndCountsConnections(Pool pool) throws IOException {
        PhpFpm.Status before = fpm.status(pool);
        assertEquals(pool.poolName(), before.value("pool"));
        assertEquals("static", before.value("process manager"));
        assertEquals(CHILDREN, before.count("total processes"));

        FastCgiProbe.request(
                fpm.listener(pool), FastCgiProbe.params(params("hello.php", "GET", "", -1)), new byte[0], LIMIT);
        PhpFpm.Status after = fpm.status(pool);
        // the hello request and the second status request
        assertEquals(before.count("accepted conn") + 2, after.count("accepted conn"));
    }

    @Test
    void missingScriptIsPhpFpmsOwn404() throws IOException {
        FastCgiProbe.Response response = FastCgiProbe.request(
                fpm.address(), FastCgiProbe.params(params("missing.php", "GET", "", -1)), new byte[0], LIMIT);
        assertTrue(response.stdoutText().startsWith("Status: 404 Not Found\r\n"), response.toString());
        assertEquals("Primary script unknown", response.stderr());
    }

    @Test
    void closeStopsTheMasterAndItsWorkersAndRemovesTheDirectory() throws Exception {
        PhpFpm other = new PhpFpm().maxChildren(2);
        List<Long> pids;
        Path socket;
        try {
            other.start();
            socket = other.socketPath();
            // php-fpm listens before it forks its pools: the workers come a moment after
            AtomicReference<List<Long>> seen = new AtomicReference<>(List.of());
            Await.until(
                    () -> seen.updateAndGet(old -> other.pids()).size() == 1 + 2 * 2,
                    () -> "master and two workers per pool: " + seen.get());
            pids = seen.get();
        } finally {
            other.close(); // a failed check must not leave it running for the next test
        }
        assertEquals(List.of(), Processes.awaitGone(pids, Await.LIMIT));
        assertFalse(Files.exists(socket.getParent()), socket.getParent().toString());
        assertThrows(IOException.class, () -> SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))
                .close());
    }
}
