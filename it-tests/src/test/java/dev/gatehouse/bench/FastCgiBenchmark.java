package dev.gatehouse.bench;

import dev.gatehouse.bench.BenchSettings.Setting;
import dev.gatehouse.fastcgi.testing.PhpFpm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.LogManager;

/**
 * The FastCGI benchmark: our {@code FastCgiProxyServlet} on embedded Jetty 12 and Tomcat 11
 * against nginx's {@code fastcgi_pass} (a careful configuration with kept-alive connections, and
 * its default one), each peer in front of its own php-fpm of the same size, on {@code hello.php}
 * at two connection counts and on a 10 MB response.
 *
 * <p>Every peer gets one warm-up round, then {@code rounds} measured rounds; within a round each
 * load runs against every peer once, in an order rotated each round. The report gives medians of
 * req/s, MB/s, p50, p99 and the gateway's CPU per request, and our rate over each peer's.
 *
 * <p>Not a test: run it with {@code bench/fastcgi.sh}. Jetty's own FastCGIProxyServlet is not
 * among the peers: no version of it resolves from the registry this project builds from.
 */
public final class FastCgiBenchmark {

    static final String HELLO_BODY = "Hello, world\n";
    static final List<String> TARGETS = List.of("jetty", "tomcat", "nginx", "nginx-default");
    static final String JETTY_FCGI = "Jetty FastCGIProxyServlet: not available from the registry: tried "
            + "org.eclipse.jetty.ee10:jetty-ee10-fcgi-proxy 12.1.14, 12.1.12, 12.1.10, 12.1.0, 12.0.30, "
            + "org.eclipse.jetty.ee11:jetty-ee11-fcgi-proxy 12.1.14, org.eclipse.jetty.fcgi:jetty-fcgi-proxy "
            + "12.1.14, 12.1.12 and jetty-fcgi-client 12.1.14 (mvn dependency:get: all missing)";

    static final List<Setting> SETTINGS = List.of(
            new Setting("rounds", "3", "measured rounds, after one warm-up round"),
            new Setting("duration", "5s", "wrk duration of each measured run (whole seconds)"),
            new Setting("warmup", "5s", "wrk duration of each warm-up run"),
            new Setting("threads", "2", "wrk threads (-t)"),
            new Setting(
                    "poolSize", "4", "php-fpm pm.max_children of every pool = our maxConnections = nginx keepalive"),
            new Setting("bigMiB", "10", "size of the large response, MiB"),
            new Setting("nginxWorkers", "2", "nginx worker_processes"),
            new Setting("opcache", "true", "php-fpm with Zend OPcache"),
            new Setting("pause", "500ms", "idle time between two runs"),
            new Setting("targets", String.join(",", TARGETS), "which peers to measure"));

    /** One wrk load: a script at a connection count. */
    record Load(String name, String script, int connections, long bodyBytes) {}

    /** One gateway in front of its own php-fpm. */
    record Peer(String id, String label, boolean ours, URI base, LongSupplier cpuNanos) {}

    /** Held so that the level set on it is not lost when the logger is garbage-collected. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    /** What {@code TomcatContainer} passes to its connector, and the one property set. */
    private static final String TOMCAT_CONNECTOR = "gatehouse.tomcat.connector.";

    private static final String TOMCAT_WRITE_BUFFER = "socket.appWriteBufSize";

    private FastCgiBenchmark() {}

    public static void main(String[] args) {
        if (List.of(args).contains("help") || List.of(args).contains("--help")) {
            System.out.print(BenchSettings.usage(SETTINGS));
            return;
        }
        int status;
        try {
            status = run(BenchSettings.values(args, SETTINGS));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("fastcgi benchmark: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // container threads that outlive a failure must not keep the JVM up
    }

    private static int run(Function<String, String> value) throws Exception {
        int rounds = BenchSettings.positive(value, "rounds");
        Duration duration = BenchSettings.seconds(value, "duration");
        Duration warmup = BenchSettings.seconds(value, "warmup");
        int threads = BenchSettings.positive(value, "threads");
        int pool = BenchSettings.positive(value, "poolSize");
        long bigBytes = BenchSettings.positive(value, "bigMiB") * 1024L * 1024L;
        int workers = BenchSettings.positive(value, "nginxWorkers");
        boolean opcache = Boolean.parseBoolean(value.apply("opcache"));
        Duration pause = BenchSettings.duration(value.apply("pause"), "pause");
        Set<String> targets = BenchSettings.names(value, "targets", TARGETS);
        Path wrkPath = Wrk.locate();
        LogManager.getLogManager().getLogger("").setLevel(Level.WARNING);
        TOMCAT_LOG.setLevel(Level.SEVERE); // its class loader's leak-detection warnings at shutdown

        List<Load> loads = List.of(
                new Load("hello c16", "hello.php", 16, HELLO_BODY.length()),
                new Load("hello c64", "hello.php", 64, HELLO_BODY.length()),
                new Load(bigBytes / 1024 / 1024 + "MiB c16", "big.php", 16, bigBytes));
        Map<Integer, Wrk> wrks = new LinkedHashMap<>();
        for (Load l : loads) {
            wrks.computeIfAbsent(l.connections(), c -> new Wrk(wrkPath, Math.min(threads, c), c));
        }
        System.out.printf(
                Locale.ROOT,
                "Gatehouse FastCGI benchmark: %d CPUs, %s %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
        System.out.printf(
                Locale.ROOT,
                "wrk --latency -t%d; php-fpm pm=static max_children=%d per peer, opcache %s; "
                        + "1 warm-up round of %d s, %d measured rounds of %d s%n",
                threads,
                pool,
                opcache ? "on" : "off",
                warmup.toSeconds(),
                rounds,
                duration.toSeconds());
        System.out.println(JETTY_FCGI);

        // Tomcat's NIO connector copies a non-blocking write through its 8 KiB socket buffer, one
        // syscall per 8 KiB; a user serving large responses sets this on the Connector in server.xml
        System.setProperty(TOMCAT_CONNECTOR + TOMCAT_WRITE_BUFFER, "65536");
        System.out.println("Tomcat <Connector " + TOMCAT_WRITE_BUFFER + "=\"65536\">; Jetty defaults; JVM "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());

        Path work = Files.createTempDirectory("gatehouse-fcgi-bench-");
        try (FastCgiPeers peers = FastCgiPeers.start(targets, pool, opcache, workers, bigBytes, work)) {
            Thread hook = new Thread(peers::close, "bench-stop-servers");
            Runtime.getRuntime().addShutdownHook(hook); // on Ctrl-C, nginx and php-fpm are stopped too
            if (targets.stream().anyMatch(t -> t.startsWith("nginx"))
                    && Nginx.locate().isEmpty()) {
                System.out.println("nginx skipped: not installed (apt-get install nginx)");
            }
            check(peers.list(), bigBytes);
            Map<String, List<Sample>> results = new LinkedHashMap<>();
            for (int round = 0; round <= rounds; round++) {
                boolean isWarmup = round == 0;
                System.out.println((isWarmup ? "\nwarm-up round (discarded)" : "\nround " + round + " of " + rounds)
                        + loadAverage());
                for (Load load : loads) {
                    List<Peer> list = peers.list();
                    for (int i = 0; i < list.size(); i++) {
                        Peer peer = list.get((i + round) % list.size()); // rotated: no fixed neighbour
                        long before = peer.cpuNanos().getAsLong();
                        Sample s = wrks.get(load.connections())
                                .run(peer.base().resolve(load.script()), isWarmup ? warmup : duration);
                        s = s.withGatewayCpu(peer.cpuNanos().getAsLong() - before);
                        System.out.printf(
                                Locale.ROOT,
                                "  %-10s %-34s %s  %s%n",
                                load.name(),
                                peer.label(),
                                Report.line(s),
                                mbPerSecond(s, load));
                        if (!isWarmup) {
                            results.computeIfAbsent(FastCgiReport.key(load, peer), k -> new ArrayList<>())
                                    .add(s);
                        }
                        Thread.sleep(pause.toMillis());
                    }
                }
            }
            System.out.println();
            System.out.print(FastCgiReport.table(loads, peers.list(), results));
            System.out.println();
            System.out.print(FastCgiReport.verdict(loads.get(1), peers.list(), results));
            System.out.println("medians over the measured rounds; MB/s = req/s x body size (10^6 bytes); CPU/req = "
                    + "the gateway's own CPU (the JVM for ours, both containers in it; nginx's master and "
                    + "workers), php-fpm's excluded." + loadAverage());
            System.out.println(JETTY_FCGI);
            Runtime.getRuntime().removeShutdownHook(hook);
            long errors = results.values().stream()
                    .flatMap(List::stream)
                    .mapToLong(Sample::errors)
                    .sum();
            if (errors > 0) {
                System.out.println("WARNING: " + errors + " failed responses or socket errors (see the errors column)");
                return 3;
            }
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    static String mbPerSecond(Sample s, Load load) {
        return String.format(Locale.ROOT, "%.1f MB/s", s.requestsPerSecond() * load.bodyBytes() / 1e6);
    }

    /** One request per peer and script first: a benchmark of 404s or 502s would measure nothing. */
    private static void check(List<Peer> peers, long bigBytes) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Peer p : peers) {
            HttpResponse<String> hello = http.send(
                    HttpRequest.newBuilder(p.base().resolve("hello.php"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<byte[]> big = http.send(
                    HttpRequest.newBuilder(p.base().resolve("big.php"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (hello.statusCode() != 200
                    || !hello.body().equals(HELLO_BODY)
                    || big.statusCode() != 200
                    || big.body().length != bigBytes) {
                throw new IllegalStateException(p.label() + " at " + p.base() + ": hello.php " + hello.statusCode()
                        + " '" + hello.body().strip() + "', big.php " + big.statusCode() + " with "
                        + big.body().length + " bytes; expected 200 '" + HELLO_BODY.strip() + "' and " + bigBytes);
            }
            System.out.printf(Locale.ROOT, "checked %-34s %s%n", p.label(), p.base());
        }
    }

    static String loadAverage() {
        try {
            return " (load average "
                    + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The PHP scripts every php-fpm serves: a greeting, and a body of {@code bigBytes} in 64 KiB echoes. */
    static void writeScripts(PhpFpm fpm, long bigBytes) throws IOException {
        fpm.writeScript("hello.php", "<?php echo \"Hello, world\\n\";\n");
        fpm.writeScript(
                "big.php",
                """
                <?php
                header('Content-Type: application/octet-stream');
                header('Content-Length: %d');
                $chunk = str_repeat('x', 65536);
                for ($i = 0; $i < %d; $i++) { echo $chunk; }
                """
                        .formatted(bigBytes, bigBytes / 65536));
    }
}
