package dev.gatehouse.servlet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LatencyHistogramTest {

    record Case(long nanos, int bucket) {}

    static Stream<Case> buckets() {
        long ms = 1_000_000;
        return Stream.of(
                new Case(-5, 0),
                new Case(0, 0),
                new Case(1, 0),
                new Case(ms, 0),
                new Case(ms + 1, 1),
                new Case(2 * ms, 1),
                new Case(2 * ms + 1, 2),
                new Case(4 * ms, 2),
                new Case(1000 * ms, 10),
                new Case(1024 * ms, 10),
                new Case(1025 * ms, 11),
                new Case(65_536 * ms, 16),
                new Case(65_536 * ms + 1, 17),
                new Case(Long.MAX_VALUE, 17));
    }

    @ParameterizedTest
    @MethodSource("buckets")
    void aDurationFallsInTheFirstBucketWhoseBoundItDoesNotExceed(Case c) {
        assertEquals(c.bucket(), LatencyHistogram.bucketOf(c.nanos()));
        LatencyHistogram h = new LatencyHistogram();
        h.record(c.nanos());
        long[] counts = h.snapshot().counts();
        assertEquals(1, counts[c.bucket()]);
        assertEquals(1, h.snapshot().count());
    }

    @Test
    void quantilesAreTheBoundsOfTheBucketsHoldingThem() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 50; i++) {
            h.record(TimeUnit.MICROSECONDS.toNanos(500)); // <= 1 ms
        }
        for (int i = 0; i < 40; i++) {
            h.record(TimeUnit.MILLISECONDS.toNanos(30)); // <= 32 ms
        }
        for (int i = 0; i < 9; i++) {
            h.record(TimeUnit.MILLISECONDS.toNanos(300)); // <= 512 ms
        }
        h.record(TimeUnit.SECONDS.toNanos(70)); // overflow
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(100, s.count());
        assertEquals(1, s.quantileMillis(0.5));
        assertEquals(32, s.quantileMillis(0.9));
        assertEquals(512, s.quantileMillis(0.99));
        assertEquals(-1, s.quantileMillis(1.0));
        assertEquals(50, s.cumulative(0));
        assertEquals(90, s.cumulative(5));
        assertEquals(99, s.cumulative(LatencyHistogram.BOUNDS - 1));
        long sum = 50 * TimeUnit.MICROSECONDS.toNanos(500)
                + 40 * TimeUnit.MILLISECONDS.toNanos(30)
                + 9 * TimeUnit.MILLISECONDS.toNanos(300)
                + TimeUnit.SECONDS.toNanos(70);
        assertEquals(sum, s.sumNanos());
    }

    @Test
    void anEmptyHistogramReadsZero() {
        LatencyHistogram.Snapshot s = new LatencyHistogram().snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.quantileMillis(0.99));
    }

    @Test
    void concurrentRecordsAreAllCounted() throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(1L << t);
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record(nanos);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(400_000, s.count());
        for (int b = 0; b < 4; b++) {
            assertEquals(100_000, s.counts()[b]);
        }
    }
}
