package dev.gatehouse.fastcgi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.protocol.FastCgi;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults and announcements a real php-fpm cannot be made to produce, against a
 * {@link FakeBackend} on a ServerSocket at 127.0.0.1.
 */
class FakeBackendTest {

    private static final Map<String, String> PHP_FPM_VALUES = Map.of(FastCgi.MPXS_CONNS, "0");

    private static Collector request(FastCgiClient client) {
        Collector collector = new Collector();
        client.exchange(Collector.params(Path.of("/x.php"), "GET", ""), collector)
                .endBody();
        return collector;
    }

    private static FastCgiClient client(FakeBackend fake, ClientConfig config) {
        return new FastCgiClient(config, List.of(fake.backend()));
    }

    @Test
    void announcedMaxConnsCapsThePool() throws Exception {
        Map<String, String> values = Map.of(FastCgi.MAX_CONNS, "2", FastCgi.MPXS_CONNS, "0");
        try (FakeBackend fake = new FakeBackend(values, (conn, index) -> {
                    while (conn.readRequest()) {
                        sleep(30);
                        conn.respond("ok");
                    }
                });
                FastCgiClient client = client(fake, ClientConfig.defaults().withMaxConnectionsPerBackend(8))) {
            List<Collector> collectors = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                collectors.add(request(client));
            }
            for (Collector collector : collectors) {
                collector.await(10);
                assertEquals("ok", collector.body());
            }
            BackendStats stats = client.stats().of(fake.backend());
            assertEquals(2, stats.maxConnections());
            assertEquals(values, stats.managementValues());
            assertTrue(stats.peakOpen() <= 2, stats.toString());
        }
    }

    /**
     * A managed backend's pool is not probed: the first request opens the first connection, no
     * GET_VALUES goes out, and the configured limit stands even where an answer would lower it.
     */
    @Test
    void withoutAskingValuesTheFirstRequestOpensTheOnlyConnection() throws Exception {
        Map<String, String> values = Map.of(FastCgi.MAX_CONNS, "2", FastCgi.MPXS_CONNS, "0");
        try (FakeBackend fake = new FakeBackend(values, (conn, index) -> {
                    while (conn.readRequest()) {
                        conn.respond("ok " + index);
                    }
                });
                FastCgiClient client = new FastCgiClient(
                        ClientConfig.defaults().withMaxConnectionsPerBackend(8), List.of(fake.backend()), false)) {
            Collector first = request(client);
            first.await(10);
            assertEquals("ok 0", first.body());
            BackendStats stats = client.stats().of(fake.backend());
            assertEquals(1, stats.opened(), "no probe connection");
            assertEquals(8, stats.maxConnections());
            assertEquals(Map.of(), stats.managementValues());
            assertTrue(fake.received.stream().noneMatch(r -> r.type() == FakeBackend.GET_VALUES), "no GET_VALUES");
        }
    }

    @Test
    void unansweredGetValuesKeepsTheConfiguredLimit() throws Exception {
        try (FakeBackend fake = new FakeBackend(Map.of(), (conn, index) -> {
                    while (conn.readRequest()) {
                        conn.respond("ok");
                    }
                });
                FastCgiClient client = client(fake, ClientConfig.defaults().withMaxConnectionsPerBackend(3))) {
            request(client).await(10);
            BackendStats stats = client.stats().of(fake.backend());
            assertEquals(3, stats.maxConnections());
            assertEquals(Map.of(), stats.managementValues());
        }
    }

    @Test
    void malformedRecordMidResponseIsBackendFailure() throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> {
                    conn.readRequest();
                    conn.stdout("Status: 200\r\n\r\npartial");
                    conn.raw(new byte[] {2, 6, 0, 1, 0, 0, 0, 0}); // version 2
                    sleep(2000);
                });
                FastCgiClient client = client(fake, ClientConfig.defaults())) {
            FastCgiClientException failure = request(client).failure(10);
            assertInstanceOf(BackendFailureException.class, failure);
            assertTrue(failure.getMessage().contains("version"), failure.getMessage());
            assertEquals("Status: 200\r\n\r\npartial".length(), failure.responseBytes());
            assertEquals(0, client.stats().of(fake.backend()).open());
        }
    }

    @Test
    void connectionClosedMidStdoutIsBackendFailure() throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> {
                    conn.readRequest();
                    conn.raw(new byte[] {1, 6, 0, 1, 0, 100, 0, 0}); // STDOUT of 100 bytes...
                    conn.raw("0123456789".getBytes(StandardCharsets.US_ASCII));
                }); // ...of which 10 arrive, then the socket closes
                FastCgiClient client = client(fake, ClientConfig.defaults())) {
            FastCgiClientException failure = request(client).failure(10);
            assertInstanceOf(BackendFailureException.class, failure);
            assertTrue(failure.getMessage().contains("inside a record"), failure.getMessage());
            assertEquals(10, failure.responseBytes());
        }
    }

    @ParameterizedTest(name = "protocolStatus {0}")
    @ValueSource(ints = {1, 2}) // CANT_MPX_CONN, OVERLOADED
    void rejectedRequestIsBackendOverloaded(int protocolStatus) throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> {
                    while (conn.readRequest()) {
                        conn.end(protocolStatus);
                    }
                });
                FastCgiClient client = client(fake, ClientConfig.defaults())) {
            FastCgiClientException failure = request(client).failure(10);
            assertInstanceOf(BackendOverloadedException.class, failure);
            assertEquals(0, failure.responseBytes());
        }
    }

    /** php-fpm's pm.max_requests: a child exits after its last request, closing the socket. */
    @Test
    void keptAliveConnectionClosedUnderTheClientIsReplacedAndTheRequestSentAgain() throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> {
                    if (conn.readRequest()) {
                        conn.respond("first on connection " + index);
                    }
                    conn.read(); // the next BEGIN_REQUEST: close without answering
                });
                FastCgiClient client = client(fake, ClientConfig.defaults())) {
            Collector first = request(client);
            first.await(10);
            assertEquals("first on connection 0", first.body());
            Collector second = request(client);
            second.await(10);
            assertEquals("first on connection 1", second.body());
            assertEquals(3, client.stats().of(fake.backend()).opened(), "probe, two connections");
        }
    }

    @Test
    void abortPutsAbortRequestOnTheWireAndClosesAfterEndRequest() throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> {
                    conn.readRequest();
                    conn.stdout("Status: 200\r\n\r\nstarted");
                    FakeBackend.Rec abort = conn.read();
                    if (abort.type() == FakeBackend.ABORT_REQUEST) {
                        conn.stdout("discarded");
                        conn.end(0);
                    }
                    conn.read(); // end of input: the client closes the connection
                });
                FastCgiClient client = client(fake, ClientConfig.defaults())) {
            CountDownLatch started = new CountDownLatch(1);
            Collector collector = new Collector() {
                @Override
                public boolean onStdout(BackendExchange exchange, ByteBuffer content) {
                    started.countDown();
                    return super.onStdout(exchange, content);
                }
            };
            BackendExchange exchange = client.exchange(Collector.params(Path.of("/x.php"), "GET", ""), collector);
            exchange.endBody();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            exchange.abort().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(BackendExchangeState.ABORTED, exchange.state());
            assertTrue(
                    fake.received.stream()
                            .anyMatch(r ->
                                    r.type() == FakeBackend.ABORT_REQUEST && r.id() == 1 && r.content().length == 0),
                    fake.received.toString());
            assertEquals("Status: 200\r\n\r\nstarted", collector.text());
            assertEquals(0, client.stats().of(fake.backend()).open(), "closed, not pooled");
        }
    }

    @Test
    void readTimeoutAppliesWhileTheBackendDoesNotReadTheBody() throws Exception {
        try (FakeBackend fake = new FakeBackend(PHP_FPM_VALUES, (conn, index) -> sleep(3000));
                FastCgiClient client = client(fake, ClientConfig.defaults().withReadTimeout(Duration.ofMillis(300)))) {
            Collector collector = new Collector();
            BackendExchange exchange = client.exchange(Collector.params(Path.of("/x.php"), "POST", ""), collector);
            byte[] big = new byte[8 * 1024 * 1024]; // more than the socket buffers hold
            var written = exchange.write(ByteBuffer.wrap(big));
            assertInstanceOf(BackendTimeoutException.class, collector.failure(10));
            written.toCompletableFuture().get(10, TimeUnit.SECONDS); // moot: completes anyway
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
