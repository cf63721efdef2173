package dev.gatehouse.servlet.metrics;

/**
 * Something that reports figures: a servlet, a filter, a backend. It writes the same names in the
 * same order every time, read from its live state (counters, pools, processes), never from
 * a request's contents or the environment.
 */
@FunctionalInterface
public interface MetricSource {

    void report(MetricSink sink);

    /** This source's figures, then {@code next}'s. */
    default MetricSource and(MetricSource next) {
        return sink -> {
            report(sink);
            next.report(sink);
        };
    }
}
