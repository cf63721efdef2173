package dev.gatehouse.bench;

import dev.gatehouse.bench.FaultApps.Backend;
import dev.gatehouse.it.support.ServletContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code slowClients} clients, half on a CGI script and half on a PHP page, each sending a POST
 * whose body ({@code Content-Length: bodyBytes}) it drips at 1 byte/s and never finishes within
 * {@code slow}, while {@code normalConnections} other clients request CGI and PHP hellos.
 * Printed: the JVM's threads and fds before the slow clients, once they are all connected
 * ("start"), every {@code sampleEvery} and at the end; the other clients' requests and p99 per
 * kind. Checked, separately: working threads flat (no sample above the one at {@code
 * sampleEvery} + {@code threadTolerance}; threads parked idle in a container's pool apart),
 * the CGI requests all served, the PHP requests all served.
 */
final class SlowClientsFault {

    private SlowClientsFault() {}

    static void run(FaultRun run) throws Exception {
        int children = BenchSettings.positive(run.settings(), "children");
        int slowClients = BenchSettings.positive(run.settings(), "slowClients");
        int bodyBytes = BenchSettings.positive(run.settings(), "bodyBytes");
        int normal = BenchSettings.positive(run.settings(), "normalConnections");
        int tolerance = BenchSettings.positive(run.settings(), "threadTolerance");
        Duration slow = BenchSettings.duration(run.settings().apply("slow"), "slow");
        Duration every = BenchSettings.duration(run.settings().apply("sampleEvery"), "sampleEvery");
        Duration warmup = Duration.ofSeconds(3);
        Path www = FaultApps.write(run.work());
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<String> markers = new ArrayList<>(List.of(www.toString()));
        ServletContainer c = FaultApps.start(
                run.kind(),
                www,
                // the CGI timeout also bounds how long a body may take to arrive (408):
                // beyond the run, so that no burst of 408s falls on the last sample
                FaultApps.cgi(www, Map.of("timeout", (slow.toSeconds() + 30) + "s")),
                FaultApps.php(www, children, Map.of()));
        List<Socket> sockets = new ArrayList<>();
        java.util.Map<Socket, String> early = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            FaultApps.expect(c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO);
            FaultApps.expect(c.uri("php/hello.php"), FaultApps.PHP_HELLO);
            Backend backend = FaultApps.backend(c);
            pgids.add(ProcTable.of(backend.pid()).pgid());
            pids.addAll(backend.pids());
            markers.add(backend.dir());
            Tally tally = new Tally();
            AtomicInteger cut = new AtomicInteger();
            try (LoadLoop loop = new LoadLoop(
                            List.of(
                                    new LoadLoop.Target("cgi", c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO),
                                    LoadLoop.Target.token("php", c.uri("php/token.php"))),
                            Duration.ofSeconds(30),
                            tally,
                            10_000_000)
                    .start(normal, warmup.plus(slow).plus(Duration.ofSeconds(2)))) {
                Thread.sleep(warmup.toMillis());
                int baseline = JvmGauges.threads();
                run.say(
                        "%d normal connections (CGI, PHP in turn); %d slow clients (%d CGI, %d PHP), Content-Length %d at 1 byte/s for %d s",
                        normal, slowClients, (slowClients + 1) / 2, slowClients / 2, bodyBytes, slow.toSeconds());
                run.say("threads before the slow clients: %d, fds %d", baseline, JvmGauges.fds());
                for (int i = 0; i < slowClients; i++) {
                    sockets.add(slowClient(i % 2 == 0 ? c.uri("cgi-bin/echo.sh") : c.uri("php/echo.php"), bodyBytes));
                }
                long start = System.nanoTime();
                long end = start + slow.toNanos();
                Thread.sleep(2000);
                int first = JvmGauges.workingThreads();
                run.say(
                        "t=%3ds threads %d, working %d (start; %d process reapers), fds %d",
                        2, JvmGauges.threads(), first, JvmGauges.reapers(), JvmGauges.fds());
                // the reference is the first periodic sample: by then every slow client is
                // admitted or refused (queueTimeout 5 s), so what follows is growth with time
                int reference = -1;
                java.util.Map<String, Integer> referenceNames = null;
                int max = first;
                List<Integer> all = new ArrayList<>(List.of(first));
                int sent = 1;
                long nextDrip = start + 1_000_000_000L;
                long nextSample = start + every.toNanos();
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    if (now >= nextDrip && sent < bodyBytes - 1) {
                        drip(sockets, cut, early, start);
                        sent++;
                        nextDrip += 1_000_000_000L;
                    }
                    if (now >= nextSample) {
                        int t = JvmGauges.workingThreads();
                        all.add(t);
                        if (reference < 0) {
                            reference = t;
                            referenceNames = JvmGauges.threadNames();
                        }
                        max = Math.max(max, t);
                        run.say(
                                "t=%3ds threads %d, working %d (%d process reapers), fds %d; slow clients answered early"
                                        + " so far %d; CGI %d/%d failed, PHP %d/%d failed",
                                (now - start) / 1_000_000_000L,
                                JvmGauges.threads(),
                                t,
                                JvmGauges.reapers(),
                                JvmGauges.fds(),
                                cut.get(),
                                tally.failures("cgi"),
                                tally.total("cgi"),
                                tally.failures("php"),
                                tally.total("php"));
                        nextSample += every.toNanos();
                    }
                    Thread.sleep(50);
                }
                int last = JvmGauges.workingThreads();
                all.add(last);
                if (reference < 0) {
                    reference = first; // slow shorter than sampleEvery: start against end
                }
                int maxAfter = Math.max(
                        last,
                        all.subList(1, all.size()).stream()
                                .mapToInt(Integer::intValue)
                                .max()
                                .orElse(last));
                run.say(
                        "t=%3ds threads %d, working %d (end; %d process reapers), fds %d",
                        slow.toSeconds(), JvmGauges.threads(), last, JvmGauges.reapers(), JvmGauges.fds());
                if (referenceNames != null && maxAfter > reference) {
                    run.say(
                            "threads more at the end than at t=%ds, by name: %s",
                            every.toSeconds(), JvmGauges.moreThreads(referenceNames, JvmGauges.threadNames()));
                }
                run.say("slow clients answered before their body was complete: %s", answered(sockets, early));
                closeAll(sockets);
                loop.await();
                run.check(
                        "threads flat",
                        maxAfter <= reference + tolerance,
                        "working threads (idle pool threads apart) %d at t=%ds, max %d afterwards, end %d (tolerance"
                                + " +%d); %d threads before the slow clients, %d working 2 s after they connected;"
                                + " samples %s",
                        reference,
                        Math.min(every.toSeconds(), slow.toSeconds()),
                        maxAfter,
                        last,
                        tolerance,
                        baseline,
                        first,
                        all);
            }
            run.check(
                    "CGI clients served",
                    tally.total("cgi") > 0 && tally.failures("cgi") == 0,
                    "%s",
                    tally.summary("cgi"));
            run.check(
                    "PHP clients served",
                    tally.total("php") > 0 && tally.failures("php") == 0,
                    "%s",
                    tally.summary("php"));
        } finally {
            closeAll(sockets);
            c.close();
        }
        leaks.after(run, pgids, pids, markers, 4, 8);
        Kill9Fault.cleanUp(run, pgids, pids, began);
    }

    /** Opens a connection and sends a POST head; the body follows one byte at a time. */
    static Socket slowClient(URI uri, int bodyBytes) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort()
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bodyBytes
                        + "\r\nConnection: close\r\n\r\nx")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** One byte more on each connection still open; a connection the server closed is counted once. */
    static void drip(List<Socket> sockets, AtomicInteger cut, java.util.Map<Socket, String> early, long start) {
        for (Socket s : sockets) {
            if (s.isClosed()) {
                continue;
            }
            try {
                if (s.getInputStream().available() > 0) {
                    early.put(s, statusLine(s) + " at " + (System.nanoTime() - start) / 1_000_000_000L + " s");
                    throw new IOException("answered early");
                }
                s.getOutputStream().write('x');
                s.getOutputStream().flush();
            } catch (IOException e) {
                cut.incrementAndGet();
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closed anyway
                }
            }
        }
    }

    /** The status line the server sent, read with a short timeout. */
    private static String statusLine(Socket s) {
        try {
            s.setSoTimeout(200);
            String line = dev.gatehouse.it.support.RawHttp.readLine(s.getInputStream());
            return line == null ? "closed" : line.replaceFirst("^HTTP/1.1 ", "").strip();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The early answers, counted by status and the second they came (to the second, first 10). */
    private static String answered(List<Socket> sockets, java.util.Map<Socket, String> early) {
        StringBuilder b = new StringBuilder();
        for (int kind = 0; kind < 2; kind++) {
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            int n = 0;
            int open = 0;
            for (int i = kind; i < sockets.size(); i += 2) { // even: CGI, odd: PHP, as opened
                Socket s = sockets.get(i);
                n++;
                if (early.containsKey(s)) {
                    counts.merge(early.get(s), 1, Integer::sum);
                } else if (!s.isClosed()) {
                    open++;
                }
            }
            b.append(kind == 0 ? "CGI " : "; PHP ")
                    .append(n - open)
                    .append(" of ")
                    .append(n)
                    .append(' ')
                    .append(counts)
                    .append(", ")
                    .append(open)
                    .append(" still sending");
        }
        return b.toString();
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }
}
