package dev.gatehouse.bench;

import dev.gatehouse.bench.BenchSettings.Setting;
import dev.gatehouse.it.support.ServletContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.stream.Stream;

/**
 * Fault runs: what the servlets do when their peers misbehave (a php-fpm killed or frozen, a
 * CGI script that leaves an orphan, hundreds of CGI scripts that hang at once, clients that send
 * slowly, hostile uploaders and non-readers against a small php-fpm pool, a long mixed load),
 * each scenario
 * on Jetty 12 and on Tomcat 11, with what happened and what was left behind printed, and a
 * PASS/FAIL line for each check. The exit status is 1 if any check failed.
 *
 * <p>Not a test: run it with {@code bench/faults.sh}. Every server listens on 127.0.0.1; only
 * processes this JVM started are signalled, by pid or by the process group of a backend or
 * script it started.
 */
public final class FaultRuns {

    static final List<String> SCENARIOS =
            List.of("kill9", "sigstop", "doublefork", "hung", "slowclients", "hostile", "soak");

    static final List<Setting> SETTINGS = List.of(
            new Setting("scenarios", String.join(",", SCENARIOS), "which scenarios to run"),
            new Setting("containers", "jetty,tomcat", "which containers, of jetty, tomcat"),
            new Setting("children", "4", "php-fpm workers (backendChildren) wherever PHP runs"),
            new Setting("connections", "32", "kill9 and soak: load connections"),
            new Setting("load", "30s", "kill9: load duration (the kill comes after a third of it)"),
            new Setting("readTimeout", "2s", "sigstop: the proxy's readTimeout"),
            new Setting("stop", "6s", "sigstop: how long php-fpm stays stopped"),
            new Setting("cgiTimeout", "3s", "doublefork: CgiServlet timeout"),
            new Setting("hungCounts", "64,256", "hung: how many scripts hang at once, one round per count"),
            new Setting("hungTimeout", "5s", "hung: CgiServlet timeout"),
            new Setting("hungSlack", "1s", "hung: how late the last 504 may be"),
            new Setting("slowClients", "200", "slowclients: clients dripping a body, half CGI, half PHP"),
            new Setting("bodyBytes", "100", "slowclients: their Content-Length"),
            new Setting("slow", "60s", "slowclients: how long they drip"),
            new Setting("normalConnections", "4", "slowclients: other clients, CGI and PHP in turn; hostile: PHP"),
            new Setting("sampleEvery", "10s", "slowclients, hostile: figures printed this often"),
            new Setting("threadTolerance", "16", "slowclients: threads allowed above the start"),
            new Setting("hostileChildren", "8", "hostile: php-fpm workers"),
            new Setting("uploaders", "64", "hostile: clients dripping a 100000-byte POST body, 1 byte every 2 s"),
            new Setting("nonReaders", "64", "hostile: clients that GET a large PHP response and never read"),
            new Setting("bigBytes", "8388608", "hostile: the size of that response"),
            new Setting("hostile", "60s", "hostile: how long the hostile clients stay"),
            new Setting("hostileBuffering", "true", "hostile: the proxy's requestBuffering and responseBuffering"),
            new Setting("soak", "10m", "soak: sampled duration"),
            new Setting("soakWarmup", "30s", "soak: load before sampling"),
            new Setting("soakSample", "5s", "soak: sampling period"),
            new Setting("soakRssMiB", "64", "soak: RSS growth allowed, last vs first minute"),
            new Setting("soakThreads", "8", "soak: thread growth allowed"),
            new Setting("soakFds", "32", "soak: fd growth allowed"));

    /** Held so that the level set on it is not lost when the logger is garbage-collected. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private FaultRuns() {}

    public static void main(String[] args) {
        if (List.of(args).contains("help") || List.of(args).contains("--help")) {
            System.out.print(BenchSettings.usage(SETTINGS));
            return;
        }
        int status;
        try {
            status = run(BenchSettings.values(args, SETTINGS));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("fault runs: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // container threads that outlive a failure must not keep the JVM up
    }

    private static int run(Function<String, String> value) throws Exception {
        Set<String> scenarios = BenchSettings.names(value, "scenarios", SCENARIOS);
        Set<String> names = BenchSettings.names(value, "containers", List.of("jetty", "tomcat"));
        List<ServletContainer.Kind> kinds = new ArrayList<>();
        for (String n : List.of("jetty", "tomcat")) {
            if (names.contains(n)) {
                kinds.add(ServletContainer.Kind.valueOf(n.toUpperCase(Locale.ROOT)));
            }
        }
        for (Setting s : SETTINGS) {
            value.apply(s.name()); // every setting parses before anything starts
        }
        LogManager.getLogManager().getLogger("").setLevel(Level.SEVERE);
        TOMCAT_LOG.setLevel(Level.SEVERE);
        System.out.printf(
                Locale.ROOT,
                "Gatehouse fault runs: %s on %s; %d CPUs, Java %s, java.io.tmpdir %s%s%n",
                String.join(",", ordered(scenarios)),
                kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("java.io.tmpdir"),
                FastCgiBenchmark.loadAverage());
        List<FaultRun.Check> checks = new ArrayList<>();
        for (String scenario : ordered(scenarios)) {
            System.out.println("\n" + scenario + FastCgiBenchmark.loadAverage());
            if (scenario.equals("soak")) {
                checks.addAll(once(scenario, kinds.size() == 1 ? kinds.get(0) : null, value, kinds));
                continue;
            }
            for (ServletContainer.Kind kind : kinds) {
                checks.addAll(once(scenario, kind, value, List.of(kind)));
            }
        }
        System.out.println("\nsummary");
        long failed = 0;
        for (FaultRun.Check c : checks) {
            System.out.printf(
                    Locale.ROOT,
                    "  %s  %-12s %-11s %s%n",
                    c.passed() ? "PASS" : "FAIL",
                    c.container(),
                    c.scenario(),
                    c.name());
            failed += c.passed() ? 0 : 1;
        }
        System.out.printf(Locale.ROOT, "%d checks, %d failed%n", checks.size(), failed);
        return failed == 0 ? 0 : 1;
    }

    private static List<String> ordered(Set<String> scenarios) {
        return SCENARIOS.stream().filter(scenarios::contains).toList();
    }

    /** One scenario on one container (or on both at once: {@code kind} null), in a work directory of its own. */
    private static List<FaultRun.Check> once(
            String scenario,
            ServletContainer.Kind kind,
            Function<String, String> value,
            List<ServletContainer.Kind> kinds)
            throws Exception {
        Path work = Files.createTempDirectory("faultrun-" + scenario + "-");
        FaultRun run = new FaultRun(scenario, kind, value, work);
        long start = System.nanoTime();
        try {
            switch (scenario) {
                case "kill9" -> Kill9Fault.run(run);
                case "sigstop" -> SigstopFault.run(run);
                case "doublefork" -> DoubleForkFault.run(run);
                case "hung" -> HungFault.run(run);
                case "slowclients" -> SlowClientsFault.run(run);
                case "hostile" -> HostileClientsFault.run(run);
                case "soak" -> SoakFault.run(run, kinds);
                default -> throw new IllegalArgumentException(scenario);
            }
        } catch (Exception e) {
            run.check("ran to the end", false, "%s", e);
            e.printStackTrace(System.out);
        } finally {
            deleteTree(work);
        }
        run.say("took %d s", (System.nanoTime() - start) / 1_000_000_000L);
        return run.checks();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
