package dev.gatehouse.bench;

import dev.gatehouse.bench.FastCgiBenchmark.Load;
import dev.gatehouse.bench.FastCgiBenchmark.Peer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The FastCGI benchmark's table: medians per load and peer, and our rate over each reference's. */
final class FastCgiReport {

    private FastCgiReport() {}

    static String table(List<Load> loads, List<Peer> peers, Map<String, List<Sample>> results) {
        String head = String.format(
                Locale.ROOT,
                "%-10s %-32s %8s %9s %9s %9s %9s  %-20s %6s %11s %14s %11s%n",
                "load",
                "target",
                "req/s",
                "MB/s",
                "p50",
                "p99",
                "CPU/req",
                "req/s in each round",
                "errors",
                "ours/nginx",
                "ours/nginx-def",
                "ours/jetty");
        StringBuilder b = new StringBuilder(head);
        b.append("-".repeat(head.length() - 1)).append('\n');
        for (Load load : loads) {
            for (Peer p : peers) {
                List<Sample> s = results.getOrDefault(key(load, p), List.of());
                double rps = Report.median(s, Sample::requestsPerSecond);
                b.append(String.format(
                        Locale.ROOT,
                        "%-10s %-32s %8.0f %9.1f %9s %9s %9s  %-20s %6d %11s %14s %11s%n",
                        load.name(),
                        p.label(),
                        rps,
                        rps * load.bodyBytes() / 1e6,
                        Report.millis(Report.median(s, Sample::p50Millis)),
                        Report.millis(Report.median(s, Sample::p99Millis)),
                        Report.millis(Report.median(s, Sample::gatewayCpuMillis)),
                        String.join(
                                " ",
                                s.stream()
                                        .map(x -> String.format(Locale.ROOT, "%.0f", x.requestsPerSecond()))
                                        .toList()),
                        s.stream().mapToLong(Sample::errors).sum(),
                        p.ours() ? ratio(load, p, "nginx", peers, results) : "",
                        p.ours() ? ratio(load, p, "nginx-default", peers, results) : "",
                        p.ours() ? "n/a" : ""));
            }
        }
        return b.toString();
    }

    /** The bar: at {@code load}, our req/s at least nginx's (keep-alive) and our p99 under 5 ms. */
    static String verdict(Load load, List<Peer> peers, Map<String, List<Sample>> results) {
        StringBuilder b = new StringBuilder();
        Peer nginx =
                peers.stream().filter(p -> p.id().equals("nginx")).findFirst().orElse(null);
        for (Peer p : peers) {
            if (!p.ours()) {
                continue;
            }
            List<Sample> s = results.getOrDefault(key(load, p), List.of());
            double rps = Report.median(s, Sample::requestsPerSecond);
            double p99 = Report.median(s, Sample::p99Millis);
            double ref = nginx == null
                    ? Double.NaN
                    : Report.median(results.getOrDefault(key(load, nginx), List.of()), Sample::requestsPerSecond);
            boolean met = p99 < 5 && (Double.isNaN(ref) || rps >= ref);
            b.append(String.format(
                    Locale.ROOT,
                    "bar (%s: req/s >= nginx keepalive's, p99 < 5 ms): %s %s " + "(%.0f req/s vs %s, p99 %s)%n",
                    load.name(),
                    p.label(),
                    met ? "MET" : "MISSED",
                    rps,
                    Double.isNaN(ref) ? "no nginx" : String.format(Locale.ROOT, "%.0f", ref),
                    Report.millis(p99)));
        }
        return b.toString();
    }

    static String key(Load load, Peer peer) {
        return load.name() + "|" + peer.id();
    }

    private static String ratio(
            Load load, Peer ours, String peerId, List<Peer> peers, Map<String, List<Sample>> results) {
        for (Peer p : peers) {
            if (p.id().equals(peerId)) {
                double r = Report.median(results.getOrDefault(key(load, ours), List.of()), Sample::requestsPerSecond)
                        / Report.median(results.getOrDefault(key(load, p), List.of()), Sample::requestsPerSecond);
                return String.format(Locale.ROOT, "%.2f", r);
            }
        }
        return "-";
    }
}
