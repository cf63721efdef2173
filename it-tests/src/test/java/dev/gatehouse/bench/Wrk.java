package dev.gatehouse.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load generator: wrk (Debian package {@code wrk}), run with {@code --latency} for a
 * fixed time against one URL; its report is parsed into a {@link Sample}.
 */
final class Wrk {

    private static final Pattern REQUESTS_PER_SEC = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern PERCENTILE =
            Pattern.compile("(?m)^\\s+(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)\\s*$");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)\\s*$");

    private final Path executable;
    private final int threads;
    private final int connections;

    Wrk(Path executable, int threads, int connections) {
        this.executable = executable;
        this.threads = threads;
        this.connections = connections;
    }

    /** wrk on this machine, or an exception that tells how to install it. */
    static Path locate() {
        return Executables.find("wrk")
                .orElseThrow(
                        () -> new IllegalStateException(
                                "wrk is not installed (not found on PATH nor in /usr/bin): install it with `apt-get install wrk`"));
    }

    String describe() {
        return "wrk --latency -t" + threads + " -c" + connections;
    }

    /** Loads {@code url} for {@code duration} (whole seconds) and returns wrk's figures. */
    Sample run(URI url, Duration duration) throws IOException, InterruptedException {
        List<String> command = List.of(
                executable.toString(),
                "--latency",
                "-t" + threads,
                "-c" + connections,
                "-d" + duration.toSeconds() + "s",
                url.toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var out = wrk.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        // wrk stops itself after the duration; the margin covers its start and its last responses
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException("wrk did not finish: " + String.join(" ", command));
        }
        if (wrk.exitValue() != 0) {
            throw new IOException(
                    "wrk exited with " + wrk.exitValue() + ": " + String.join(" ", command) + "\n" + output);
        }
        return parse(output);
    }

    /**
     * Reads a wrk {@code --latency} report: Requests/sec, the 50% and 99% lines of the latency
     * distribution, the request count, and errors (non-2xx/3xx responses plus socket errors).
     *
     * @throws IllegalArgumentException if a figure is missing, quoting the report
     */
    static Sample parse(String report) {
        Matcher rps = REQUESTS_PER_SEC.matcher(report);
        Matcher total = TOTAL.matcher(report);
        if (!rps.find() || !total.find()) {
            throw new IllegalArgumentException("not a wrk report (no Requests/sec or request count):\n" + report);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher pct = PERCENTILE.matcher(report);
        while (pct.find()) {
            double millis = millis(Double.parseDouble(pct.group(2)), pct.group(3));
            if (pct.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalArgumentException(
                    "wrk report without 50% and 99% latency lines (run with --latency):\n" + report);
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(report);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET_ERRORS.matcher(report);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return Sample.http(Double.parseDouble(rps.group(1)), p50, p99, Long.parseLong(total.group(1)), errors);
    }

    /** wrk's time units (format_time_us in its stats code). */
    private static double millis(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000.0;
            case "ms" -> value;
            case "s" -> value * 1000.0;
            case "m" -> value * 60_000.0;
            case "h" -> value * 3_600_000.0;
            default -> throw new IllegalArgumentException("unknown wrk time unit " + unit);
        };
    }
}
