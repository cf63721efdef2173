package dev.gatehouse.servlet.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A latency distribution in fixed buckets: upper bounds of 1, 2, 4 … 65,536 ms (powers of two,
 * 17 buckets), then one overflow bucket, as Prometheus histograms are read ({@code le} bounds,
 * cumulative counts). Recording is two {@link LongAdder} increments and allocates nothing, so
 * every request can be timed; percentiles are read from the buckets, exact to within a factor of
 * two, which is what an operator needs to tell 5 ms from 500 ms.
 */
public final class LatencyHistogram {

    /** Finite buckets: upper bounds 2^0 … 2^16 ms. */
    public static final int BOUNDS = 17;

    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** {@link #BOUNDS} finite buckets and the overflow, each counting its own range only. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS + 1];

    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** The upper bound of finite bucket {@code i}, in milliseconds. */
    public static long boundMillis(int i) {
        return 1L << i;
    }

    /**
     * The bucket of a duration: the first whose bound it does not exceed ({@code (2^(i-1),
     * 2^i]} ms), or {@link #BOUNDS} for the overflow.
     */
    static int bucketOf(long nanos) {
        long q = nanos <= 0 ? 0 : (nanos - 1) / NANOS_PER_MILLI;
        int i = q == 0 ? 0 : 64 - Long.numberOfLeadingZeros(q);
        return Math.min(i, BOUNDS);
    }

    /** Records one duration; negative ones (a clock that stepped) count as zero. */
    public void record(long nanos) {
        long d = Math.max(0, nanos);
        buckets[bucketOf(d)].increment();
        sumNanos.add(d);
    }

    /**
     * The counts as they stand. Concurrent records may land in a bucket and not yet in the sum
     * (or back): a snapshot is as consistent as Prometheus asks, not an atomic cut.
     */
    public Snapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new Snapshot(counts, sumNanos.sum());
    }

    /**
     * The counts of one reading.
     *
     * @param counts per bucket, not cumulative: {@link #BOUNDS} finite ones then the overflow
     * @param sumNanos the sum of every recorded duration
     */
    public record Snapshot(long[] counts, long sumNanos) {

        /** How many durations were recorded. */
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        /** Durations up to and including bucket {@code i}'s bound (Prometheus's {@code le}). */
        public long cumulative(int i) {
            long n = 0;
            for (int j = 0; j <= i && j < counts.length; j++) {
                n += counts[j];
            }
            return n;
        }

        /**
         * The bound of the bucket that holds quantile {@code q} (0 &lt; q ≤ 1), in milliseconds: the
         * duration that fraction {@code q} of the requests did not exceed, rounded up to a power of
         * two. 0 when nothing was recorded; {@code -1} when it lies in the overflow (above 65.5 s).
         */
        public long quantileMillis(double q) {
            long total = count();
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < BOUNDS; i++) {
                seen += counts[i];
                if (seen >= Math.max(1, rank)) {
                    return boundMillis(i);
                }
            }
            return -1;
        }
    }
}
