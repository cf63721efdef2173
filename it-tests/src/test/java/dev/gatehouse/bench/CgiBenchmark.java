package dev.gatehouse.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The CGI benchmark: our {@code CgiServlet} against Tomcat's {@code CGIServlet} (both on one
 * embedded Tomcat 11), our servlet on embedded Jetty 12, nginx + fcgiwrap when installed, and the
 * machine's raw fork/exec rate, on the same trivial shell and Perl scripts.
 *
 * <p>Every target gets one warm-up round, then {@code rounds} measured rounds; within a round
 * every target runs once, in an order rotated each round, so that a noisy moment of the machine
 * falls on all alike. The report gives each target's median requests/second, median p50 and p99
 * latency, and our rate divided by each peer's.
 *
 * <p>Not a test: run it with {@code bench/cgi.sh} (which sets
 * {@code -Djdk.lang.Process.launchMechanism=VFORK}). Settings: {@link BenchSettings}.
 */
public final class CgiBenchmark {

    /** Held so that the level set on it is not lost when the logger is garbage-collected. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private CgiBenchmark() {}

    public static void main(String[] args) {
        if (List.of(args).contains("help") || List.of(args).contains("--help")) {
            System.out.print(BenchSettings.usage());
            return;
        }
        BenchSettings settings;
        Wrk wrk;
        try {
            settings = BenchSettings.parse(args);
            wrk = new Wrk(Wrk.locate(), settings.threads(), settings.connections());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("cgi benchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = run(settings, wrk);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // container threads that outlive a failure must not keep the JVM up
    }

    private static int run(BenchSettings settings, Wrk wrk) throws Exception {
        quietLogging();
        Path work = Files.createTempDirectory("gatehouse-bench-");
        try {
            Path docBase = work.resolve("docroot");
            Path scriptDir = Files.createDirectories(docBase.resolve("WEB-INF/cgi"));
            List<BenchScript> scripts = Stream.of(BenchScript.values())
                    .filter(s -> settings.scripts().contains(s.id()))
                    .toList();
            for (BenchScript s : scripts) {
                s.write(scriptDir);
            }
            header(settings, wrk);
            try (Servers servers = Servers.start(settings, docBase, scriptDir, work)) {
                Thread hook = new Thread(servers::close, "bench-stop-servers");
                Runtime.getRuntime().addShutdownHook(hook); // on Ctrl-C, nginx and fcgiwrap are stopped too
                List<Target> targets =
                        targets(settings, servers, scripts, wrk, new ForkRate(scriptDir, settings.forkRuns()));
                check(targets);
                Report report = rounds(settings, targets);
                System.out.println();
                System.out.print(report.table());
                int status = footnotes(settings, targets, report);
                Runtime.getRuntime().removeShutdownHook(hook);
                return status;
            }
        } finally {
            delete(work);
        }
    }

    private static List<Target> targets(
            BenchSettings settings, Servers servers, List<BenchScript> scripts, Wrk wrk, ForkRate fork) {
        List<Target> targets = new ArrayList<>();
        for (BenchScript s : scripts) {
            if (settings.targets().contains("jetty")) {
                targets.add(Target.http(
                        Target.Kind.OURS_JETTY,
                        "Gatehouse CgiServlet, Jetty 12",
                        s,
                        servers.oursOnJetty(s),
                        wrk,
                        Servers::jvmCpuNanos));
            }
            if (settings.targets().contains("tomcat")) {
                targets.add(Target.http(
                        Target.Kind.OURS_TOMCAT,
                        "Gatehouse CgiServlet, Tomcat 11",
                        s,
                        servers.oursOnTomcat(s),
                        wrk,
                        Servers::jvmCpuNanos));
            }
            if (settings.targets().contains("tomcat-cgi")) {
                targets.add(Target.http(
                        Target.Kind.TOMCAT_CGI,
                        "Tomcat CGIServlet, Tomcat 11",
                        s,
                        servers.tomcatCgi(s),
                        wrk,
                        Servers::jvmCpuNanos));
            }
            if (servers.nginx(s) != null) {
                targets.add(Target.http(
                        Target.Kind.NGINX_FCGIWRAP,
                        "nginx + fcgiwrap",
                        s,
                        servers.nginx(s),
                        wrk,
                        servers::nginxCpuNanos));
            }
            if (settings.targets().contains("raw")) {
                targets.add(new Target(Target.Kind.RAW, "raw fork/exec, 1 loop", s, null, d -> fork.measure(s, 1)));
                targets.add(new Target(
                        Target.Kind.RAW_PARALLEL,
                        "raw fork/exec, " + settings.forkLoops() + " loops",
                        s,
                        null,
                        d -> fork.measure(s, settings.forkLoops())));
            }
        }
        return targets;
    }

    /** One request to each server first: a benchmark of 404s or 500s would measure nothing. */
    private static void check(List<Target> targets) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Target t : targets) {
            if (t.url() == null) {
                continue;
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(t.url())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !r.body().equals(t.script().body())) {
                throw new IllegalStateException(
                        t.label() + " at " + t.url() + " answered " + r.statusCode() + " with body '" + r.body()
                                + "', expected 200 '" + t.script().body().strip() + "'");
            }
            System.out.printf(Locale.ROOT, "checked %-34s %s%n", t.label(), t.url());
        }
    }

    private static Report rounds(BenchSettings settings, List<Target> targets) throws Exception {
        Report report = new Report();
        for (int round = 0; round <= settings.rounds(); round++) {
            boolean warmup = round == 0;
            System.out.println(
                    (warmup ? "\nwarm-up round (discarded)" : "\nround " + round + " of " + settings.rounds())
                            + loadAverage());
            for (int i = 0; i < targets.size(); i++) {
                // rotated each round: no target always runs right after the same other one
                Target t = targets.get((i + round) % targets.size());
                Sample sample = t.measure().run(warmup ? settings.warmup() : settings.duration());
                System.out.printf(Locale.ROOT, "  %-3s %-34s %s%n", t.script().id(), t.label(), Report.line(sample));
                if (!warmup) {
                    report.add(t, sample);
                }
                Thread.sleep(settings.pause().toMillis());
            }
        }
        return report;
    }

    private static void header(BenchSettings settings, Wrk wrk) {
        String launch = System.getProperty("jdk.lang.Process.launchMechanism", "(JDK default)");
        System.out.printf(
                Locale.ROOT,
                "Gatehouse CGI benchmark: %d CPUs, %s %s, Java %s, launchMechanism=%s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                launch);
        System.out.printf(
                Locale.ROOT,
                "%s, 1 warm-up round of %d s, %d measured rounds of %d s; " + "raw fork/exec: %d runs per round%n",
                wrk.describe(),
                settings.warmup().toSeconds(),
                settings.rounds(),
                settings.duration().toSeconds(),
                settings.forkRuns());
        if (!"VFORK".equals(launch)) {
            System.out.println("note: run with -Djdk.lang.Process.launchMechanism=VFORK (bench/cgi.sh does) "
                    + "for the figures the README quotes");
        }
    }

    /** Notes under the table; the exit status is 3 when some responses failed, else 0. */
    private static int footnotes(BenchSettings settings, List<Target> targets, Report report) {
        System.out.println("\nmedians over the measured rounds; p50/p99 as wrk reports them; "
                + "ours/X = our req/s over X's on the same script (ours on Tomcat vs Tomcat CGIServlet is "
                + "the like-for-like one); raw = sequential fork/exec loop, no HTTP." + loadAverage());
        if (settings.targets().contains("nginx")
                && targets.stream().noneMatch(t -> t.kind() == Target.Kind.NGINX_FCGIWRAP)) {
            System.out.println("nginx + fcgiwrap skipped: not installed (apt-get install nginx fcgiwrap)");
        }
        int status = 0;
        for (Target t : targets) {
            if (report.errors(t) > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "WARNING: %s (%s) had %d failed responses or socket errors%n",
                        t.label(),
                        t.script().id(),
                        report.errors(t));
                status = 3;
            }
        }
        return status;
    }

    /**
     * Container start-up chatter off; our servlet's warnings (such as 503s) stay. Tomcat's are
     * cut to errors: its CGIServlet warns "I/O problems with stderr" for many requests (its
     * stderr reader races the close of the stream) and its class loader warns at shutdown.
     */
    private static void quietLogging() {
        LogManager.getLogManager().getLogger("").setLevel(Level.WARNING);
        TOMCAT_LOG.setLevel(Level.SEVERE);
    }

    /** The 1-minute load average, to tell a quiet machine from a busy one; empty if unknown. */
    private static String loadAverage() {
        try {
            return " (load average "
                    + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Removes the benchmark's temporary directory: scripts, nginx files. */
    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
