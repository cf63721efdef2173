package dev.gatehouse.servlet.metrics;

/**
 * Where a {@link MetricSource} writes its figures: the status page's renderers and the JMX bean
 * read the same source through this, so what an operator sees is the same everywhere. Names are
 * lower camel case ({@code scriptsRunning}), as Tomcat's and Jetty's MBean attributes; each
 * renderer derives its own spelling from them.
 */
public interface MetricSink {

    /** A count that only grows while the servlet lives. */
    void counter(String name, String help, long value);

    /** A figure that goes up and down (in use now, a pid, a time). */
    void gauge(String name, String help, long value);

    /** A state among a few named ones ({@code up}, {@code started}). */
    void state(String name, String help, String value);

    /** A latency distribution. */
    void histogram(String name, String help, LatencyHistogram.Snapshot value);
}
