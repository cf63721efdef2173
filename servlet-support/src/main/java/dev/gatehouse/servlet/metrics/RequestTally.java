package dev.gatehouse.servlet.metrics;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request's entry in {@link GatewayMetrics}: begun when the exchange takes the request, ended
 * once by whichever of its ends comes first (an answer, an abort, the client or the container
 * letting go), so that a request that ends several ways at once is still counted once and {@code
 * active} never drifts. One small object a request; its once-flag is a field updated in place,
 * not an AtomicBoolean beside it.
 */
public final class RequestTally {

    private final GatewayMetrics metrics;
    private final long startNanos;
    private static final AtomicIntegerFieldUpdater<RequestTally> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(RequestTally.class, "ended");

    private volatile int ended;

    private RequestTally(GatewayMetrics metrics) {
        this.metrics = metrics;
        this.startNanos = metrics.begin();
    }

    /** Counts a request that starts now. */
    public static RequestTally begin(GatewayMetrics metrics) {
        return new RequestTally(metrics);
    }

    /** A servlet's {@code service}, given the request's tally to hand to the exchange it starts. */
    @FunctionalInterface
    public interface Service {
        void serve(HttpServletRequest request, HttpServletResponse response, RequestTally tally)
                throws ServletException, IOException;
    }

    /**
     * Runs {@code service} for one request counted in {@code metrics}: a request answered within
     * the call (an error status, a static file, a dispatch) ends with the response's status, one
     * that threw with 500; one that went async is ended by its exchange, which counts it first.
     */
    public static void count(
            GatewayMetrics metrics, HttpServletRequest request, HttpServletResponse response, Service service)
            throws ServletException, IOException {
        RequestTally tally = begin(metrics);
        try {
            service.serve(request, response, tally);
        } catch (ServletException | IOException | RuntimeException e) {
            tally.end(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            throw e;
        } finally {
            if (!request.isAsyncStarted()) {
                tally.end(response.getStatus());
            }
        }
    }

    /** The figures this request counts in. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The request ended with {@code status} (0: handed on); false if it had already ended. */
    public boolean end(int status) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        metrics.end(startNanos, status);
        return true;
    }

    /** The client went away; false if the request had already ended. */
    public boolean clientAborted() {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        metrics.clientAborted(startNanos);
        return true;
    }

    /** Whether the request has ended. */
    public boolean ended() {
        return ended != 0;
    }

    /** Milliseconds since the request started, for a log line. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
