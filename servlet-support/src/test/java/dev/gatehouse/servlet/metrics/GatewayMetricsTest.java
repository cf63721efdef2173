package dev.gatehouse.servlet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    /** The figures as a name → value map, histograms by their count. */
    static Map<String, Object> figures(MetricSource source) {
        Map<String, Object> out = new LinkedHashMap<>();
        source.report(new MetricSink() {
            @Override
            public void counter(String name, String help, long value) {
                out.put(name, value);
            }

            @Override
            public void gauge(String name, String help, long value) {
                out.put(name, value);
            }

            @Override
            public void state(String name, String help, String value) {
                out.put(name, value);
            }

            @Override
            public void histogram(String name, String help, LatencyHistogram.Snapshot value) {
                out.put(name, value.count());
            }
        });
        return out;
    }

    @Test
    void eachEndIsClassifiedByItsStatus() {
        AtomicInteger queue = new AtomicInteger(3);
        GatewayMetrics m = new GatewayMetrics(queue::get);
        long[] starts = new long[8];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = m.begin();
        }
        assertEquals(8L, figures(m).get("active"));
        m.end(starts[0], 200);
        m.end(starts[1], 503);
        m.end(starts[2], 504);
        m.end(starts[3], 502);
        m.end(starts[4], 404);
        m.end(starts[5], 0);
        m.clientAborted(starts[6]);
        m.bytesIn(10);
        m.bytesOut(20);
        Map<String, Object> f = figures(m);
        assertEquals(8L, f.get("requests"));
        assertEquals(1L, f.get("active"));
        assertEquals(3L, f.get("queued"));
        assertEquals(1L, f.get("rejected"));
        assertEquals(1L, f.get("timedOut"));
        assertEquals(1L, f.get("failures"));
        assertEquals(1L, f.get("clientAborts"));
        assertEquals(1L, f.get("responses2xx"));
        assertEquals(1L, f.get("responses4xx"));
        assertEquals(3L, f.get("responses5xx"));
        assertEquals(1L, f.get("dispatched"));
        assertEquals(10L, f.get("bytesIn"));
        assertEquals(20L, f.get("bytesOut"));
        assertEquals(7L, f.get("requestDuration"));
        long accounted = 0;
        for (String name : new String[] {
            "responses1xx",
            "responses2xx",
            "responses3xx",
            "responses4xx",
            "responses5xx",
            "dispatched",
            "clientAborts",
            "active"
        }) {
            accounted += (Long) f.get(name);
        }
        assertEquals(f.get("requests"), accounted, "every request is in exactly one of the ends, or active (README)");
    }

    @Test
    void aTallyCountsOnlyItsFirstEnd() {
        GatewayMetrics m = new GatewayMetrics();
        RequestTally t = RequestTally.begin(m);
        assertFalse(t.ended());
        assertTrue(t.end(504));
        assertFalse(t.clientAborted());
        assertFalse(t.end(200));
        assertTrue(t.ended());
        assertEquals(1, m.requests());
        assertEquals(0, m.active());
        assertEquals(1, m.timedOut());
        assertEquals(0, m.clientAborts());
        assertEquals(0, m.responses(2));
    }

    @Test
    void racingEndsCountOnce() throws InterruptedException {
        GatewayMetrics m = new GatewayMetrics();
        for (int round = 0; round < 1000; round++) {
            RequestTally t = RequestTally.begin(m);
            CountDownLatch go = new CountDownLatch(1);
            Thread a = new Thread(() -> {
                await(go);
                t.end(502);
            });
            Thread b = new Thread(() -> {
                await(go);
                t.clientAborted();
            });
            a.start();
            b.start();
            go.countDown();
            a.join();
            b.join();
        }
        assertEquals(1000, m.requests());
        assertEquals(0, m.active());
        assertEquals(1000, m.failures() + m.clientAborts());
        assertEquals(1000, m.latency().snapshot().count());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
