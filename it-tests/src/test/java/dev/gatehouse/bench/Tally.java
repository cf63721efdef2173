package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link LoadLoop.Sink} of fixed size, for long runs: per tag the count of requests, of
 * failures by status, the first few error messages, and a latency histogram (0.1 ms steps up to
 * 100 ms, 1 ms steps up to 60 s) for percentiles. It does not grow with the number of requests,
 * so it does not disturb a measurement of the JVM's memory.
 */
final class Tally implements LoadLoop.Sink {

    private static final int FINE = 1000; // 0.1 ms buckets up to 100 ms
    private static final int COARSE = 60_000; // 1 ms buckets up to 60 s
    private static final int MAX_MESSAGES = 5;

    private static final class PerTag {
        final LongAdder total = new LongAdder();
        final Map<Integer, LongAdder> failures = new ConcurrentHashMap<>();
        final AtomicLongArray histogram = new AtomicLongArray(FINE + COARSE + 1);
        final List<String> messages = new ArrayList<>();
    }

    private final Map<String, PerTag> tags = new ConcurrentHashMap<>();
    private final long origin = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicLong firstFailure =
            new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private final java.util.concurrent.atomic.AtomicLong lastFailure =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    @Override
    public void record(String tag, long startNanos, long endNanos, int status, String error) {
        PerTag t = tags.computeIfAbsent(tag, k -> new PerTag());
        t.total.increment();
        long micros = (endNanos - startNanos) / 1000;
        int bucket = micros < 100_000 ? (int) (micros / 100) : (int) Math.min(FINE + micros / 1000, FINE + COARSE);
        t.histogram.incrementAndGet(bucket);
        if (status != 200) {
            firstFailure.accumulateAndGet(endNanos - origin, Math::min);
            lastFailure.accumulateAndGet(endNanos - origin, Math::max);
            t.failures.computeIfAbsent(status, k -> new LongAdder()).increment();
            synchronized (t.messages) {
                if (t.messages.size() < MAX_MESSAGES) {
                    t.messages.add(status + (error == null ? "" : " " + error));
                }
            }
        }
    }

    long total(String tag) {
        PerTag t = tags.get(tag);
        return t == null ? 0 : t.total.sum();
    }

    long failures(String tag) {
        PerTag t = tags.get(tag);
        return t == null
                ? 0
                : t.failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Failures by status (0 = I/O error, -1 = wrong body). */
    Map<Integer, Long> failuresByStatus(String tag) {
        Map<Integer, Long> m = new TreeMap<>();
        PerTag t = tags.get(tag);
        if (t != null) {
            t.failures.forEach((k, v) -> m.put(k, v.sum()));
        }
        return m;
    }

    List<String> messages(String tag) {
        PerTag t = tags.get(tag);
        if (t == null) {
            return List.of();
        }
        synchronized (t.messages) {
            return List.copyOf(t.messages);
        }
    }

    /** The latency below which {@code percent} of the requests of {@code tag} finished, in ms. */
    double percentileMillis(String tag, double percent) {
        PerTag t = tags.get(tag);
        if (t == null || t.total.sum() == 0) {
            return Double.NaN;
        }
        long total = 0;
        for (int i = 0; i < t.histogram.length(); i++) {
            total += t.histogram.get(i);
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < t.histogram.length(); i++) {
            seen += t.histogram.get(i);
            if (seen >= rank) {
                return i < FINE ? (i + 1) / 10.0 : (i - FINE + 1);
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** {@code 1234 requests, 0 failed, p50 1.2 ms, p99 8.0 ms}, plus failures by status if any. */
    String summary(String tag) {
        long failed = failures(tag);
        return String.format(
                        Locale.ROOT,
                        "%d requests, %d failed, p50 %.1f ms, p99 %.1f ms",
                        total(tag),
                        failed,
                        percentileMillis(tag, 50),
                        percentileMillis(tag, 99))
                + (failed == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " %s, failures (all kinds) %.1f s to %.1f s after the load began, e.g. %s",
                                failuresByStatus(tag),
                                firstFailure.get() / 1e9,
                                lastFailure.get() / 1e9,
                                messages(tag)));
    }
}
