package dev.gatehouse.fastcgi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Response backpressure and aborts against a real php-fpm. */
class PhpFpmFlowControlTest {

    @RegisterExtension
    static final PhpFpm FPM = FpmScripts.phpFpm();

    /** Pauses after every piece; another thread resumes it, as a servlet's onWritePossible. */
    private static final class PausingCollector extends Collector {
        final AtomicInteger pieces = new AtomicInteger();
        final CountDownLatch first = new CountDownLatch(1);
        final ExecutorService resumer = Executors.newSingleThreadExecutor();
        volatile boolean resume;

        @Override
        public boolean onStdout(BackendExchange exchange, ByteBuffer content) {
            super.onStdout(exchange, content);
            pieces.incrementAndGet();
            first.countDown();
            if (resume) {
                resumer.execute(exchange::demand);
            }
            return false;
        }
    }

    @Test
    void pausedListenerHoldsTheResponseInTheBackendNotTheProxy() throws Exception {
        try (FastCgiClient client = new FastCgiClient(ClientConfig.defaults(), List.of(FpmScripts.tcp(FPM)))) {
            PausingCollector collector = new PausingCollector();
            BackendExchange exchange =
                    client.exchange(Collector.params(FpmScripts.script(FPM, "big.php"), "GET", ""), collector);
            exchange.endBody();
            assertTrue(collector.first.await(10, TimeUnit.SECONDS));
            Thread.sleep(300);
            long received = exchange.receivedBytes();
            Thread.sleep(300);
            assertEquals(received, exchange.receivedBytes(), "nothing read while paused");
            assertEquals(1, collector.pieces.get(), "nothing delivered while paused");
            assertTrue(
                    received - exchange.responseBytes() <= Connection.INPUT_BUFFER_SIZE,
                    "read " + received + ", delivered " + exchange.responseBytes());

            collector.resume = true;
            exchange.demand();
            collector.await(30);
            collector.resumer.shutdown();
            String body = collector.body();
            assertEquals(FpmScripts.BIG_OUTPUT_BYTES, body.length());
            assertEquals("0123456789abcdef".repeat(FpmScripts.BIG_OUTPUT_BYTES / 16), body);
            assertTrue(collector.pieces.get() > 100, collector.pieces + " pieces");
        }
    }

    @Test
    void abortSendsAbortRequestAndTheConnectionIsNotReused() throws Exception {
        ClientConfig config = ClientConfig.defaults().withMaxConnectionsPerBackend(1);
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.unix(FPM)))) {
            Collector aborted = new Collector();
            BackendExchange exchange =
                    client.exchange(Collector.params(FpmScripts.script(FPM, "sleep.php"), "GET", "ms=700"), aborted);
            exchange.endBody();
            awaitState(exchange, BackendExchangeState.STREAMING);
            Thread.sleep(100);
            long start = System.nanoTime();
            exchange.abort().toCompletableFuture().get(10, TimeUnit.SECONDS);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(BackendExchangeState.ABORTED, exchange.state());
            // php-fpm reads ABORT_REQUEST only after the script: its END_REQUEST came then
            assertTrue(waited >= 300, "the slot was held until END_REQUEST: " + waited + " ms");
            assertFalse(aborted.outcome.isDone(), "the listener hears nothing after abort");
            assertEquals("", aborted.text(), "the rest of the response was discarded");
            BackendStats stats = client.stats().of(FpmScripts.unix(FPM));
            assertEquals(0, stats.open(), "closed, not pooled: " + stats);

            Collector next = new Collector();
            client.exchange(
                            Collector.params(
                                    FpmScripts.script(FPM, "hello.php"), "GET", "", new NameValuePair("NAME", "after")),
                            next)
                    .endBody();
            next.await(10);
            assertEquals("hello after", next.body());
            assertEquals(3, client.stats().of(FpmScripts.unix(FPM)).opened(), "probe, aborted, new");
        }
    }

    @Test
    void abortWhileQueuedLeavesTheQueueWithoutSendingAnything() throws Exception {
        ClientConfig config =
                ClientConfig.defaults().withMaxConnectionsPerBackend(1).withQueueTimeout(Duration.ofSeconds(30));
        try (FastCgiClient client = new FastCgiClient(config, List.of(FpmScripts.tcp(FPM)))) {
            Collector sleeping = new Collector();
            client.exchange(Collector.params(FpmScripts.script(FPM, "sleep.php"), "GET", "ms=500"), sleeping)
                    .endBody();
            Collector queued = new Collector();
            BackendExchange exchange = client.exchange(
                    Collector.params(FpmScripts.script(FPM, "hello.php"), "GET", "", new NameValuePair("NAME", "q")),
                    queued);
            awaitState(exchange, BackendExchangeState.QUEUED);
            assertEquals(1, client.stats().queued());
            exchange.abort().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(BackendExchangeState.ABORTED, exchange.state());
            assertEquals(0, client.stats().queued());
            sleeping.await(10);
            assertEquals("slept", sleeping.body());
            assertEquals(1, client.stats().of(FpmScripts.tcp(FPM)).idle(), "the sleeper's connection pooled");
            assertFalse(queued.outcome.isDone());
            assertEquals("", queued.stderr.toString(StandardCharsets.UTF_8));
        }
    }

    static void awaitState(BackendExchange exchange, BackendExchangeState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (exchange.state() != state) {
            assertTrue(System.nanoTime() < deadline, "still " + exchange.state());
            Thread.sleep(5);
        }
    }
}
