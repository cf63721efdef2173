package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The measured rounds of every target, reduced to medians: one row per target and script, with
 * the ratio of our servlet's rate to each peer's on the same script.
 */
final class Report {

    private static final Target.Kind[] PEERS = {Target.Kind.TOMCAT_CGI, Target.Kind.NGINX_FCGIWRAP, Target.Kind.RAW};

    private final Map<Target, List<Sample>> samples = new LinkedHashMap<>();

    void add(Target target, Sample sample) {
        samples.computeIfAbsent(target, t -> new ArrayList<>()).add(sample);
    }

    /** The median of a figure over the target's rounds (NaN where it has none). */
    double median(Target target, ToDoubleFunction<Sample> figure) {
        return median(samples.getOrDefault(target, List.of()), figure);
    }

    /** The median of a figure over some rounds (NaN for none); shared by every benchmark's report. */
    static double median(List<Sample> rounds, ToDoubleFunction<Sample> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    long errors(Target target) {
        return samples.getOrDefault(target, List.of()).stream()
                .mapToLong(Sample::errors)
                .sum();
    }

    String table() {
        List<Target> rows = new ArrayList<>(samples.keySet());
        rows.sort(Comparator.comparing(Target::script).thenComparing(Target::kind));
        String head = String.format(
                Locale.ROOT,
                "%-6s %-34s %8s %9s %9s %11s  %-23s %6s  %14s %11s %9s%n",
                "script",
                "target",
                "req/s",
                "p50",
                "p99",
                "CPU/req",
                "req/s in each round",
                "errors",
                "ours/TomcatCGI",
                "ours/nginx",
                "ours/raw");
        StringBuilder b = new StringBuilder(head);
        b.append("-".repeat(head.length() - 1)).append('\n');
        for (Target t : rows) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-6s %-34s %8.0f %9s %9s %11s  %-23s %6d ",
                    t.script().id(),
                    t.label(),
                    median(t, Sample::requestsPerSecond),
                    millis(median(t, Sample::p50Millis)),
                    millis(median(t, Sample::p99Millis)),
                    millis(median(t, Sample::gatewayCpuMillis)),
                    rounds(t),
                    errors(t)));
            for (Target.Kind peer : PEERS) {
                int width = peer == Target.Kind.TOMCAT_CGI ? 15 : peer == Target.Kind.NGINX_FCGIWRAP ? 12 : 10;
                b.append(String.format(Locale.ROOT, "%" + width + "s", t.kind().ours() ? ratio(t, peer) : ""));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Our rate over the peer's on the same script, e.g. {@code 17.9}; {@code -} without the peer. */
    private String ratio(Target ours, Target.Kind peer) {
        for (Target t : samples.keySet()) {
            if (t.kind() == peer && t.script() == ours.script()) {
                double r = median(ours, Sample::requestsPerSecond) / median(t, Sample::requestsPerSecond);
                return String.format(Locale.ROOT, r >= 10 ? "%.1f" : "%.2f", r);
            }
        }
        return "-";
    }

    private String rounds(Target t) {
        return String.join(
                " ",
                samples.get(t).stream()
                        .map(s -> String.format(Locale.ROOT, "%.0f", s.requestsPerSecond()))
                        .toList());
    }

    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2fs", ms / 1000);
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.1fms" : ms >= 0.1 ? "%.2fms" : "%.3fms", ms);
    }

    static String line(Sample s) {
        return String.format(
                Locale.ROOT,
                "%8.0f req/s  p50 %8s  p99 %8s  CPU/req %7s%s",
                s.requestsPerSecond(),
                millis(s.p50Millis()),
                millis(s.p99Millis()),
                millis(s.gatewayCpuMillis()),
                s.errors() > 0 ? "  ERRORS " + s.errors() + " of " + s.requests() : "");
    }
}
