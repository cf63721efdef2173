package dev.gatehouse.fastcgi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.FastCgi;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.protocol.ProtocolStatus;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Round trips, keep-alive and GET_VALUES against a real php-fpm. */
class PhpFpmBackendExchangeTest {

    @RegisterExtension
    static final PhpFpm FPM = FpmScripts.phpFpm();

    private static FastCgiClient client(Backend backend) {
        return new FastCgiClient(ClientConfig.defaults().withMaxConnectionsPerBackend(16), List.of(backend));
    }

    private static Collector hello(FastCgiClient client, String name) {
        Collector collector = new Collector();
        BackendExchange exchange = client.exchange(
                Collector.params(FpmScripts.script(FPM, "hello.php"), "GET", "", new NameValuePair("NAME", name)),
                collector);
        exchange.endBody();
        return collector;
    }

    @Test
    void roundTripOverTcp() throws Exception {
        try (FastCgiClient client = client(FpmScripts.tcp(FPM))) {
            Collector collector = hello(client, "tcp");
            EndRequest end = collector.await(10);
            assertEquals(new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE), end);
            assertEquals("hello tcp", collector.body());
            assertEquals("text/html; charset=UTF-8", collector.headers().get("content-type"));
        }
    }

    @Test
    void roundTripOverUnixSocket() throws Exception {
        try (FastCgiClient client = client(FpmScripts.unix(FPM))) {
            Collector collector = hello(client, "unix");
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, collector.await(10).protocolStatus());
            assertEquals("hello unix", collector.body());
        }
    }

    @Test
    void requestBodyInChunksIsEchoedByteForByte() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + i / 7);
        }
        try (FastCgiClient client = client(FpmScripts.tcp(FPM))) {
            Collector collector = new Collector();
            BackendExchange exchange = client.exchange(
                    Collector.params(
                            FpmScripts.script(FPM, "echo.php"),
                            "POST",
                            "",
                            new NameValuePair("CONTENT_LENGTH", Integer.toString(body.length)),
                            new NameValuePair("CONTENT_TYPE", "application/octet-stream")),
                    collector);
            for (int offset = 0; offset < body.length; offset += 100_000) {
                var written = exchange.write(ByteBuffer.wrap(body, offset, 100_000));
                if (offset + 100_000 == body.length) {
                    exchange.endBody(); // right after the last write, before it completes
                }
                written.toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            collector.await(10);
            BackendStats stats = client.stats().of(FpmScripts.tcp(FPM));
            assertEquals(1, stats.idle(), "the body was sent in full: connection reused; " + stats);
            String text = collector.text();
            byte[] all = collector.stdout.toByteArray();
            int start = text.indexOf("\r\n\r\n") + 4;
            assertEquals(sha256(body, 0, body.length), sha256(all, start, all.length - start));
        }
    }

    @Test
    void stderrReachesTheListenerApartFromStdout() throws Exception {
        try (FastCgiClient client = client(FpmScripts.tcp(FPM))) {
            Collector collector = new Collector();
            client.exchange(Collector.params(FpmScripts.script(FPM, "stderr.php"), "GET", ""), collector)
                    .endBody();
            collector.await(10);
            assertEquals("out", collector.body());
            assertTrue(
                    collector.stderr.toString(StandardCharsets.UTF_8).contains("to stderr"),
                    collector.stderr.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void keptAliveConnectionServesSequentialRequests() throws Exception {
        try (FastCgiClient client = client(FpmScripts.unix(FPM))) {
            Set<String> pids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                Collector collector = hello(client, "n" + i);
                collector.await(10);
                assertEquals("hello n" + i, collector.body());
                pids.add(collector.headers().get("x-pid"));
            }
            BackendStats stats = client.stats().of(FpmScripts.unix(FPM));
            // one GET_VALUES probe, which php-fpm closes, and one connection for all 20
            assertEquals(2, stats.opened(), stats.toString());
            assertEquals(1, stats.open(), stats.toString());
            assertEquals(1, stats.idle(), stats.toString());
            // a php-fpm child serves one connection: the same child answered every request
            assertEquals(1, pids.size(), pids.toString());
        }
    }

    /**
     * php-fpm 8.2 answers GET_VALUES with FCGI_MPXS_CONNS only (its FCGI_MAX_CONNS is set by
     * php-cgi, not by fpm), so the configured limit stays; {@link FakeBackendTest} covers the
     * cap by an announced FCGI_MAX_CONNS.
     */
    @Test
    void getValuesLearnsThatPhpFpmDoesNotMultiplex() throws Exception {
        try (FastCgiClient client = client(FpmScripts.tcp(FPM))) {
            hello(client, "probe").await(10);
            BackendStats stats = client.stats().of(FpmScripts.tcp(FPM));
            assertEquals(Map.of(FastCgi.MPXS_CONNS, "0"), stats.managementValues());
            assertEquals(16, stats.maxConnections());
        }
    }

    static String sha256(byte[] bytes, int offset, int length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(bytes, offset, length);
        return HexFormat.of().formatHex(digest.digest());
    }
}
