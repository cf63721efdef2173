package dev.gatehouse.servlet.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The figures every Gatehouse servlet and filter keeps, as Tomcat's {@code RequestProcessor} and
 * Apache's {@code mod_status} give them: requests, how many are in progress and waiting, how they
 * ended, bytes each way and how long they took. Lock-free ({@link LongAdder}) and allocation-free,
 * so that keeping them costs a few atomic adds per request.
 *
 * <p>A request is counted once, when it starts ({@link #begin}), and ends once ({@link #end} or
 * {@link #clientAborted}); {@link RequestTally} keeps that promise for an exchange that has
 * several ways to end. The status it ends with classifies it: 503 is a refusal (queue full or
 * timed out), 504 a timeout, 502 a failure of the script or backend.
 */
public final class GatewayMetrics implements MetricSource {

    private final LongAdder requests = new LongAdder();
    private final LongAdder active = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder clientAborts = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /** Responses by status class: index 1 … 5 for 1xx … 5xx, 0 for a request handed on. */
    private final LongAdder[] byClass = new LongAdder[6];

    private final LatencyHistogram latency = new LatencyHistogram();
    private final LongSupplier queued;

    /** @param queued the requests waiting for a slot or a connection now, read from their queue */
    public GatewayMetrics(LongSupplier queued) {
        this.queued = queued;
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    /** Figures for a servlet with no queue of its own. */
    public GatewayMetrics() {
        this(() -> 0);
    }

    /** A request starts: returns its start time, for {@link #end}. */
    public long begin() {
        requests.increment();
        active.increment();
        return System.nanoTime();
    }

    /**
     * A request started at {@code startNanos} ended with {@code status}; 0 for one handed on
     * (dispatched elsewhere: a local redirect, a request the authorizer let through).
     */
    public void end(long startNanos, int status) {
        end(startNanos, status, System.nanoTime());
    }

    /** As {@link #end(long, int)}, the request ending at {@code endNanos}: a test's fixed duration. */
    void end(long startNanos, int status, long endNanos) {
        active.decrement();
        switch (status) {
            case 503 -> rejected.increment();
            case 504 -> timedOut.increment();
            case 502 -> failures.increment();
            default -> {}
        }
        int cls = status / 100;
        byClass[cls >= 1 && cls <= 5 ? cls : 0].increment();
        latency.record(endNanos - startNanos);
    }

    /** A request started at {@code startNanos} ended because its client went away. */
    public void clientAborted(long startNanos) {
        active.decrement();
        clientAborts.increment();
        latency.record(System.nanoTime() - startNanos);
    }

    /** Request body bytes taken from a client. */
    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    /** Response body bytes given to the container for a client. */
    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public long requests() {
        return requests.sum();
    }

    public long active() {
        return active.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long timedOut() {
        return timedOut.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long clientAborts() {
        return clientAborts.sum();
    }

    /** Responses of status class {@code cls} (1 … 5), or handed on (0). */
    public long responses(int cls) {
        return byClass[cls].sum();
    }

    public LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void report(MetricSink sink) {
        sink.counter("requests", "Requests received", requests.sum());
        sink.gauge("active", "Requests in progress, queued ones included", active.sum());
        sink.gauge("queued", "Requests waiting for a slot or a connection", queued.getAsLong());
        sink.counter("rejected", "Requests refused with 503 (queue full, queue timeout, overloaded)", rejected.sum());
        sink.counter(
                "timedOut", "Requests answered 504 or aborted at the script's or backend's timeout", timedOut.sum());
        sink.counter(
                "failures", "Requests answered 502 or aborted for a failure of the script or backend", failures.sum());
        sink.counter("clientAborts", "Requests whose client went away before the end", clientAborts.sum());
        sink.counter("bytesIn", "Request body bytes read from clients", bytesIn.sum());
        sink.counter("bytesOut", "Response body bytes written to clients", bytesOut.sum());
        sink.counter("responses1xx", "Responses with a 1xx status", byClass[1].sum());
        sink.counter("responses2xx", "Responses with a 2xx status", byClass[2].sum());
        sink.counter("responses3xx", "Responses with a 3xx status", byClass[3].sum());
        sink.counter("responses4xx", "Responses with a 4xx status", byClass[4].sum());
        sink.counter("responses5xx", "Responses with a 5xx status", byClass[5].sum());
        sink.counter(
                "dispatched",
                "Requests handed on by a dispatch (local redirect, authorized request)",
                byClass[0].sum());
        sink.histogram("requestDuration", "Time from a request's start to its end", latency.snapshot());
    }
}
