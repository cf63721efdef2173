package dev.gatehouse.servlet.metrics;

import java.util.List;
import java.util.Map;

/**
 * Renders metric sets as JSON for scripts: {@code {"sets":[{"type":…,"labels":{…},"metrics":{…}}]}},
 * each figure under its name; a histogram as an object with {@code count}, {@code sumSeconds},
 * {@code p50Millis}, {@code p90Millis}, {@code p99Millis} and the cumulative {@code buckets} by
 * bound in milliseconds ({@code "+Inf"} last).
 */
public final class JsonFormat {

    public static final String CONTENT_TYPE = "application/json";

    private JsonFormat() {}

    public static String render(List<MetricSet> sets) {
        StringBuilder out = new StringBuilder("{\"sets\":[");
        boolean firstSet = true;
        for (MetricSet set : sets) {
            if (!firstSet) {
                out.append(',');
            }
            firstSet = false;
            out.append("{\"type\":").append(string(set.type()));
            out.append(",\"kind\":").append(string(set.kind()));
            out.append(",\"labels\":{");
            boolean first = true;
            for (Map.Entry<String, String> l : set.labels().entrySet()) {
                out.append(first ? "" : ",")
                        .append(string(l.getKey()))
                        .append(':')
                        .append(string(l.getValue()));
                first = false;
            }
            out.append("},\"metrics\":{");
            int start = out.length();
            set.source().report(new MetricSink() {
                private void key(String name) {
                    if (out.length() > start) {
                        out.append(',');
                    }
                    out.append(string(name)).append(':');
                }

                @Override
                public void counter(String name, String help, long value) {
                    key(name);
                    out.append(value);
                }

                @Override
                public void gauge(String name, String help, long value) {
                    key(name);
                    out.append(value);
                }

                @Override
                public void state(String name, String help, String value) {
                    key(name);
                    out.append(string(value));
                }

                @Override
                public void histogram(String name, String help, LatencyHistogram.Snapshot value) {
                    key(name);
                    out.append("{\"count\":").append(value.count());
                    out.append(",\"sumSeconds\":").append(value.sumNanos() / 1e9);
                    out.append(",\"p50Millis\":").append(value.quantileMillis(0.5));
                    out.append(",\"p90Millis\":").append(value.quantileMillis(0.9));
                    out.append(",\"p99Millis\":").append(value.quantileMillis(0.99));
                    out.append(",\"buckets\":{");
                    for (int i = 0; i < LatencyHistogram.BOUNDS; i++) {
                        out.append('"').append(LatencyHistogram.boundMillis(i)).append("\":");
                        out.append(value.cumulative(i)).append(',');
                    }
                    out.append("\"+Inf\":").append(value.count()).append("}}");
                }
            });
            out.append("}}");
        }
        return out.append("]}").toString();
    }

    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
