package dev.gatehouse.servlet.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders metric sets in the Prometheus text exposition format 0.0.4: one family per figure and
 * kind ({@code gatehouse_cgi_requests_total}), a {@code # HELP} and {@code # TYPE} line each, then
 * one sample per instance labelled as its {@link MetricSet#labels}. Counters end in {@code
 * _total}; a latency histogram is in seconds ({@code _bucket{le=…}}, {@code _sum}, {@code
 * _count}); a state is a gauge of 1 with the state as a {@code state} label.
 */
public final class PrometheusFormat {

    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusFormat() {}

    public static String render(List<MetricSet> sets) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (MetricSet set : sets) {
            String prefix = "gatehouse_" + set.kind() + "_";
            String labels = labels(set.labels());
            set.source().report(new MetricSink() {
                @Override
                public void counter(String name, String help, long value) {
                    String family = prefix + snake(name) + "_total";
                    family(families, family, "counter", help).samples.add(family + "{" + labels + "} " + value);
                }

                @Override
                public void gauge(String name, String help, long value) {
                    String family = prefix + snake(name);
                    family(families, family, "gauge", help).samples.add(family + "{" + labels + "} " + value);
                }

                @Override
                public void state(String name, String help, String value) {
                    String family = prefix + snake(name);
                    family(families, family, "gauge", help + " (1 for the current state)")
                            .samples
                            .add(family + "{" + labels + ",state=\"" + escapeLabel(value) + "\"} 1");
                }

                @Override
                public void histogram(String name, String help, LatencyHistogram.Snapshot value) {
                    String family = prefix + snake(name) + "_seconds";
                    List<String> out = family(families, family, "histogram", help + ", in seconds").samples;
                    for (int i = 0; i < LatencyHistogram.BOUNDS; i++) {
                        String le = BigDecimal.valueOf(LatencyHistogram.boundMillis(i), 3)
                                .stripTrailingZeros()
                                .toPlainString();
                        out.add(family + "_bucket{" + labels + ",le=\"" + le + "\"} " + value.cumulative(i));
                    }
                    out.add(family + "_bucket{" + labels + ",le=\"+Inf\"} " + value.count());
                    out.add(family + "_sum{" + labels + "} " + value.sumNanos() / 1e9);
                    out.add(family + "_count{" + labels + "} " + value.count());
                }
            });
        }
        StringBuilder text = new StringBuilder();
        families.forEach((name, f) -> {
            text.append("# HELP ")
                    .append(name)
                    .append(' ')
                    .append(escapeHelp(f.help))
                    .append('\n');
            text.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
            f.samples.forEach(s -> text.append(s).append('\n'));
        });
        return text.toString();
    }

    private static Family family(Map<String, Family> families, String name, String type, String help) {
        return families.computeIfAbsent(name, n -> new Family(type, help));
    }

    /** {@code scriptsRunning} → {@code scripts_running}; {@code responses2xx} → {@code responses_2xx}. */
    static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            boolean boundary = i > 0
                    && (Character.isUpperCase(c) || Character.isDigit(c) && !Character.isDigit(camel.charAt(i - 1)));
            if (boundary) {
                out.append('_');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    private static String labels(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        labels.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(k).append("=\"").append(escapeLabel(v)).append('"');
        });
        return out.toString();
    }

    static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static final class Family {
        final String type;
        final String help;
        final List<String> samples = new ArrayList<>();

        Family(String type, String help) {
            this.type = type;
            this.help = help;
        }
    }
}
