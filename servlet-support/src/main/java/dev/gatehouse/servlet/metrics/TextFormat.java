package dev.gatehouse.servlet.metrics;

import java.util.List;

/**
 * Renders metric sets as plain text for a person, as {@code mod_status} does: a heading per
 * servlet, filter or backend, then one figure a line, a histogram as its count and percentiles.
 */
public final class TextFormat {

    public static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private TextFormat() {}

    public static String render(List<MetricSet> sets) {
        StringBuilder out = new StringBuilder("Gatehouse status\n");
        for (MetricSet set : sets) {
            out.append('\n').append(set.type());
            set.labels().forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
            out.append('\n');
            set.source().report(new MetricSink() {
                private void line(String name, Object value) {
                    out.append(String.format("  %-28s %s\n", name, value));
                }

                @Override
                public void counter(String name, String help, long value) {
                    line(name, value);
                }

                @Override
                public void gauge(String name, String help, long value) {
                    line(name, value);
                }

                @Override
                public void state(String name, String help, String value) {
                    line(name, value);
                }

                @Override
                public void histogram(String name, String help, LatencyHistogram.Snapshot value) {
                    line(
                            name,
                            value.count() + " requests, p50 " + millis(value.quantileMillis(0.5)) + ", p90 "
                                    + millis(value.quantileMillis(0.9)) + ", p99 "
                                    + millis(value.quantileMillis(0.99)));
                }
            });
        }
        return out.toString();
    }

    private static String millis(long bound) {
        return bound < 0 ? "> 65536 ms" : "<= " + bound + " ms";
    }
}
