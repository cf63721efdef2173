package dev.gatehouse.bench;

import dev.gatehouse.asgi.AsgiApplication;
import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpScope;
import dev.gatehouse.asgi.servlet.AsgiServlet;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ASGI bridge's overhead: a hello-world application through {@link AsgiServlet} against a
 * hand-written async servlet (startAsync + WriteListener) sending the same bytes (200,
 * text/plain, Content-Length 13, "Hello, world\n"), both in one container, on Jetty 12 and
 * Tomcat 11. wrk {@code --latency -t2 -c64} with keep-alive; one warm-up round per target, then
 * {@code rounds} rounds in which the two servlets alternate which goes first. Prints each
 * target's median req/s, p50 and p99, and ours/hand-written per container (goal ≥ 0.95).
 *
 * <p>Not a test: run it with {@code bench/asgi.sh [rounds=N] [duration=Ns] [warmup=Ns]}.
 */
public final class AsgiBenchmark {
    private static final byte[] BODY = "Hello, world\n".getBytes(StandardCharsets.US_ASCII);
    private static final Logger QUIET = Logger.getLogger("");
    /**
     * This JVM's CPU time: both containers run in it and only one target is loaded at a time, so
     * its growth during a wrk run is that target's cost (container, bridge, JIT and GC), a figure
     * that other load on the machine disturbs far less than req/s.
     */
    private static final com.sun.management.OperatingSystemMXBean SERVER_CPU =
            (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * The response's headers, made once, as the hand-written servlet's {@code "text/plain"} is a
     * constant: headers are immutable values, and an application with fixed headers keeps them so.
     */
    private static final List<Header> HEADERS = Header.list("content-type", "text/plain");

    /** The application: one start, one final body, both made per request. */
    static final AsgiApplication HELLO = (scope, receive, send) -> scope instanceof HttpScope
            ? send.send(new HttpResponseStart(200, HEADERS)).thenCompose(v -> send.send(new HttpResponseBody(BODY)))
            : CompletableFuture.failedFuture(new IllegalArgumentException("http only"));

    /** The reference: what one would write by hand with the Servlet non-blocking API. */
    public static final class HandWritten extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            response.setStatus(200);
            response.setContentType("text/plain");
            response.setContentLength(BODY.length);
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private boolean written;

                @Override
                public void onWritePossible() throws IOException {
                    if (!written && out.isReady()) {
                        written = true;
                        out.write(BODY);
                        async.complete();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    async.complete();
                }
            });
        }
    }

    private record Target(String label, ServletContainer.Kind kind, boolean ours, URI url, List<Sample> samples) {}

    private AsgiBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rounds", "5");
        settings.put("duration", "10s");
        // C2 is still compiling the containers' and the bridge's hot paths after 5 s on a busy
        // 2-core machine; a short warm-up measures the JIT more than the code
        settings.put("warmup", "15s");
        settings.put("containers", "jetty,tomcat");
        for (String arg : args) {
            if (arg.equals("help")) {
                System.out.println("bench/asgi.sh [name=value ...]; settings and their defaults:");
                settings.forEach((name, value) -> System.out.println("  " + name + "=" + value));
                System.out.println("environment: MVN_OFFLINE=1 (Maven with -o), JAVA, JAVA_OPTS");
                return;
            }
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !settings.containsKey(kv[0])) {
                System.err.println("asgi benchmark: unknown setting '" + arg + "'; settings: " + settings);
                System.exit(2);
            }
            settings.put(kv[0], kv[1]);
        }
        int rounds = Integer.parseInt(settings.get("rounds"));
        Duration duration =
                Duration.ofSeconds(Long.parseLong(settings.get("duration").replace("s", "")));
        Duration warmup =
                Duration.ofSeconds(Long.parseLong(settings.get("warmup").replace("s", "")));
        Wrk wrk = new Wrk(Wrk.locate(), 2, 64);
        QUIET.setLevel(Level.WARNING);
        for (var handler : QUIET.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        int status = 0;
        try {
            List<ServletContainer.Kind> kinds = new ArrayList<>();
            for (String name : settings.get("containers").split(",")) {
                kinds.add(ServletContainer.Kind.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            }
            status = run(wrk, kinds, rounds, duration, warmup);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static int run(Wrk wrk, List<ServletContainer.Kind> kinds, int rounds, Duration duration, Duration warmup)
            throws Exception {
        System.out.printf(
                Locale.ROOT,
                "%s, %d rounds of %ds after a %ds warm-up; Java %s, %d CPUs%n",
                wrk.describe(),
                rounds,
                duration.toSeconds(),
                warmup.toSeconds(),
                Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        List<ServletContainer> containers = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        try {
            for (ServletContainer.Kind kind : kinds) {
                ServletContainer c = ServletContainer.servlets(
                        kind,
                        "/bench",
                        null,
                        List.of(
                                ServletSpec.instance("asgi", new AsgiServlet(HELLO), "/asgi"),
                                ServletSpec.of("hand", HandWritten.class, "/hand")));
                containers.add(c);
                String name = kind == ServletContainer.Kind.JETTY ? "Jetty 12" : "Tomcat 11";
                targets.add(new Target("AsgiServlet, " + name, kind, true, c.uri("asgi"), new ArrayList<>()));
                targets.add(new Target("hand-written, " + name, kind, false, c.uri("hand"), new ArrayList<>()));
            }
            check(targets);
            int errors = 0;
            for (int round = 0; round <= rounds; round++) {
                System.out.println(round == 0 ? "\nwarm-up (discarded)" : "\nround " + round + " of " + rounds);
                for (int pair = 0; pair < targets.size(); pair += 2) {
                    // alternate which of the pair runs first, so neither always gets the warmer JIT
                    int first = round % 2 == 0 ? pair : pair + 1;
                    for (int t : new int[] {first, first == pair ? pair + 1 : pair}) {
                        Target target = targets.get(t);
                        long cpuBefore = SERVER_CPU.getProcessCpuTime();
                        Sample s = wrk.run(target.url(), round == 0 ? warmup : duration)
                                .withGatewayCpu(SERVER_CPU.getProcessCpuTime() - cpuBefore);
                        System.out.printf(
                                Locale.ROOT,
                                "  %-24s %9.0f req/s  p50 %6.2fms  p99 %6.2fms  %5.1fµs CPU/req  errors %d%n",
                                target.label(),
                                s.requestsPerSecond(),
                                s.p50Millis(),
                                s.p99Millis(),
                                s.gatewayCpuMillis() * 1000,
                                s.errors());
                        if (round > 0) {
                            target.samples().add(s);
                            errors += s.errors();
                        }
                    }
                }
            }
            report(targets);
            return errors == 0 ? 0 : 3;
        } finally {
            containers.forEach(ServletContainer::close);
        }
    }

    private static void check(List<Target> targets) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (Target t : targets) {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(t.url())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200
                    || !java.util.Arrays.equals(r.body(), BODY)
                    || !r.headers().firstValue("content-length").equals(java.util.Optional.of("13"))) {
                throw new IllegalStateException(t.label() + " answered " + r.statusCode() + " "
                        + r.headers().map());
            }
        }
    }

    private static void report(List<Target> targets) {
        System.out.printf(
                Locale.ROOT,
                "%n%-24s %9s %9s %9s %11s  %-28s %s%n",
                "target",
                "req/s",
                "p50",
                "p99",
                "CPU/req",
                "req/s in each round",
                "ours/hand-written (req/s; CPU/req)");
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            double rps = median(
                    t.samples().stream().mapToDouble(Sample::requestsPerSecond).toArray());
            double cpu = median(
                    t.samples().stream().mapToDouble(Sample::gatewayCpuMillis).toArray());
            String ratio = "";
            if (t.ours()) {
                List<Sample> hand = targets.get(i + 1).samples();
                double handRps = median(
                        hand.stream().mapToDouble(Sample::requestsPerSecond).toArray());
                double handCpu = median(
                        hand.stream().mapToDouble(Sample::gatewayCpuMillis).toArray());
                ratio = String.format(Locale.ROOT, "%.3f; %.3f", rps / handRps, cpu / handCpu);
            }
            StringBuilder each = new StringBuilder();
            t.samples().forEach(s -> each.append(String.format(Locale.ROOT, "%.0f ", s.requestsPerSecond())));
            System.out.printf(
                    Locale.ROOT,
                    "%-24s %9.0f %7.2fms %7.2fms %9.1fµs  %-28s %s%n",
                    t.label(),
                    rps,
                    median(t.samples().stream().mapToDouble(Sample::p50Millis).toArray()),
                    median(t.samples().stream().mapToDouble(Sample::p99Millis).toArray()),
                    cpu * 1000,
                    each.toString().strip(),
                    ratio);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
