package dev.gatehouse.fastcgi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pool limits, the queue, failures and balancing against a real php-fpm. */
class PhpFpmPoolTest {

    @RegisterExtension
    static final PhpFpm FPM = FpmScripts.phpFpm();

    private static Collector run(FastCgiClient client, String script, String query, String name) {
        Collector collector = new Collector();
        client.exchange(
                        Collector.params(FpmScripts.script(FPM, script), "GET", query, new NameValuePair("NAME", name)),
                        collector)
                .endBody();
        return collector;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void twoHundredConcurrentRequestsShareFourConnections() throws Exception {
        ClientConfig config =
                ClientConfig.defaults().withMaxConnectionsPerBackend(4).withQueueTimeout(Duration.ofSeconds(30));
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.unix(FPM)))) {
            List<Collector> collectors = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                collectors.add(run(client, "slowhello.php", "", "r" + i));
            }
            for (int i = 0; i < 200; i++) {
                collectors.get(i).await(30);
                assertEquals("hello r" + i, collectors.get(i).body());
            }
            BackendStats stats = client.stats().of(FpmScripts.unix(FPM));
            assertTrue(stats.peakOpen() <= 4, stats.toString());
            assertTrue(stats.opened() <= 5, "a probe and at most 4 connections: " + stats);
            assertEquals(4, stats.idle(), stats.toString());
        }
    }

    @Test
    void waitPastTheQueueTimeoutIsPoolExhausted() throws Exception {
        ClientConfig config =
                ClientConfig.defaults().withMaxConnectionsPerBackend(1).withQueueTimeout(Duration.ofMillis(200));
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.tcp(FPM)))) {
            // the sleeper holds the only slot far longer than the queue timeout, so the upper bound
            // (failed before the slot came free) has room for a loaded machine
            Collector sleeping = run(client, "sleep.php", "ms=3000", "");
            long start = System.nanoTime();
            FastCgiClientException failure =
                    run(client, "hello.php", "", "late").failure(10);
            long waited = millisSince(start);
            assertInstanceOf(PoolExhaustedException.class, failure);
            assertTrue(waited >= 200 && waited < 2500, "waited " + waited + " ms");
            sleeping.await(10);
            assertEquals("slept", sleeping.body());
        }
    }

    @Test
    void fullQueueIsPoolExhaustedAtOnce() throws Exception {
        ClientConfig config =
                ClientConfig.defaults().withMaxConnectionsPerBackend(1).withMaxQueued(0);
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.tcp(FPM)))) {
            Collector sleeping = run(client, "sleep.php", "ms=2000", "");
            long start = System.nanoTime();
            assertInstanceOf(
                    PoolExhaustedException.class,
                    run(client, "hello.php", "", "late").failure(10));
            // at once: well before the sleeper frees the slot
            assertTrue(millisSince(start) < 1500, millisSince(start) + " ms");
            sleeping.await(10);
        }
    }

    @Test
    void backendDownIsUnavailableWithinTheConnectTimeout() throws Exception {
        ClientConfig config = ClientConfig.defaults().withConnectTimeout(Duration.ofSeconds(5));
        List<Backend> down = List.of(
                Backend.parse("127.0.0.1:" + PhpFpm.freePort()),
                Backend.parse("unix:" + FpmScripts.script(FPM, "no-such.sock")));
        for (Backend backend : down) {
            try (FastCgiClient client = new FastCgiClient(config, List.of(backend))) {
                long start = System.nanoTime();
                FastCgiClientException failure =
                        run(client, "hello.php", "", "x").failure(10);
                assertInstanceOf(BackendUnavailableException.class, failure, backend.name());
                assertTrue(millisSince(start) < 5000, millisSince(start) + " ms");
                assertFalse(client.stats().of(backend).healthy());
            }
        }
    }

    @Test
    void silenceBeyondTheReadTimeoutIsBackendTimeout() throws Exception {
        ClientConfig config = ClientConfig.defaults().withReadTimeout(Duration.ofMillis(300));
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.tcp(FPM)))) {
            long start = System.nanoTime();
            FastCgiClientException failure =
                    run(client, "sleep.php", "ms=3000", "").failure(10);
            long waited = millisSince(start);
            assertInstanceOf(BackendTimeoutException.class, failure);
            // before the script would have answered
            assertTrue(waited >= 300 && waited < 2500, "waited " + waited + " ms");
            assertEquals(0, client.stats().of(FpmScripts.tcp(FPM)).open(), "the connection is closed");
        }
    }

    @Test
    void refusedBackendIsSkippedAndRequestsGoToTheOther() throws Exception {
        Backend dead = Backend.parse("127.0.0.1:" + PhpFpm.freePort());
        try (FastCgiClient client = new FastCgiClient(ClientConfig.defaults(), List.of(dead, FpmScripts.tcp(FPM)))) {
            for (int i = 0; i < 6; i++) {
                Collector collector = run(client, "hello.php", "", "f" + i);
                collector.await(10);
                assertEquals("hello f" + i, collector.body());
            }
            ClientStats stats = client.stats();
            assertFalse(stats.of(dead).healthy());
            assertEquals(1, stats.of(dead).opened(), "tried once, then skipped: " + stats);
        }
    }

    @Test
    void leastBusySendsRequestsAwayFromTheOccupiedBackend() throws Exception {
        ClientConfig config = ClientConfig.defaults().withBalancing(Balancing.LEAST_BUSY);
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.tcp(FPM), FpmScripts.unix(FPM)))) {
            Collector sleeping = new Collector();
            BackendExchange occupied =
                    client.exchange(Collector.params(FpmScripts.script(FPM, "sleep.php"), "GET", "ms=800"), sleeping);
            occupied.endBody();
            List<Backend> used = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Collector collector = new Collector();
                BackendExchange exchange = client.exchange(
                        Collector.params(
                                FpmScripts.script(FPM, "hello.php"), "GET", "", new NameValuePair("NAME", "b" + i)),
                        collector);
                exchange.endBody();
                collector.await(10);
                used.add(exchange.backend().orElseThrow());
            }
            Backend other = occupied.backend().orElseThrow().equals(FpmScripts.tcp(FPM))
                    ? FpmScripts.unix(FPM)
                    : FpmScripts.tcp(FPM);
            assertEquals(List.of(other, other, other), used);
            sleeping.await(10);
        }
    }
}
