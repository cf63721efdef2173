package dev.gatehouse.bench;

/**
 * One measured round of one target.
 *
 * @param requestsPerSecond completed requests (or script runs) per second
 * @param p50Millis median latency, NaN where there is none (the raw fork loop)
 * @param p99Millis 99th-percentile latency, NaN where there is none
 * @param requests how many requests (or script runs) completed
 * @param errors non-2xx/3xx responses plus socket errors (connect, read, write, timeout)
 */
record Sample(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long errors) {

    static Sample rate(long runs, long nanos) {
        return new Sample(runs * 1e9 / nanos, Double.NaN, Double.NaN, runs, 0);
    }
}
