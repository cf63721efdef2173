package dev.gatehouse.bench;

/**
 * One measured round of one target.
 *
 * @param requestsPerSecond completed requests (or script runs) per second
 * @param p50Millis median latency, NaN where there is none (the raw fork loop)
 * @param p99Millis 99th-percentile latency, NaN where there is none
 * @param requests how many requests (or script runs) completed
 * @param errors non-2xx/3xx responses plus socket errors (connect, read, write, timeout)
 * @param gatewayCpuMillis CPU time the gateway's own processes spent per request, the scripts'
 *     excluded; NaN where unknown
 */
record Sample(
        double requestsPerSecond,
        double p50Millis,
        double p99Millis,
        long requests,
        long errors,
        double gatewayCpuMillis) {

    /** A wrk report's figures; the gateway's CPU time is added by {@link #withGatewayCpu}. */
    static Sample http(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long errors) {
        return new Sample(requestsPerSecond, p50Millis, p99Millis, requests, errors, Double.NaN);
    }

    /** The raw loop's figure: runs per second, nothing else. */
    static Sample rate(long runs, long nanos) {
        return new Sample(runs * 1e9 / nanos, Double.NaN, Double.NaN, runs, 0, Double.NaN);
    }

    /** This sample with {@code cpu} nanoseconds of gateway CPU time spread over its requests. */
    Sample withGatewayCpu(long cpuNanos) {
        return new Sample(
                requestsPerSecond,
                p50Millis,
                p99Millis,
                requests,
                errors,
                requests == 0 ? Double.NaN : cpuNanos / 1e6 / requests);
    }
}
