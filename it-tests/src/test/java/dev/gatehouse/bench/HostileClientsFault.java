package dev.gatehouse.bench;

import dev.gatehouse.bench.FaultApps.Backend;
import dev.gatehouse.it.support.RawHttp;
import dev.gatehouse.it.support.ServletContainer;
import dev.gatehouse.it.support.ServletSpec;
import dev.gatehouse.it.support.SpoolFilesServlet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 10's measurement: a FastCGI proxy with a managed php-fpm of {@code hostileChildren}
 * workers, {@code uploaders} clients that drip a POST body ({@code Content-Length: 100000}, one
 * byte every 2 s) and {@code nonReaders} clients that GET a {@code bigBytes} PHP response and
 * never read it, for {@code hostile}, while {@code normalConnections} other clients make PHP
 * requests. With request and response buffering neither kind holds a php-fpm worker, so the
 * others are served. Printed: the pool (busy, queued) and the spool files every {@code
 * sampleEvery}; the other clients' count, failures and p99. Checked: the other PHP requests all
 * served, no spool or buffer file left once the hostile clients have gone, and nothing leaked.
 * {@code hostileBuffering=false} turns both bufferings off, to see the attack succeed.
 */
final class HostileClientsFault {

    private static final int UPLOAD_BYTES = 100_000;

    private HostileClientsFault() {}

    static void run(FaultRun run) throws Exception {
        int children = BenchSettings.positive(run.settings(), "hostileChildren");
        int uploaders = BenchSettings.positive(run.settings(), "uploaders");
        int nonReaders = BenchSettings.positive(run.settings(), "nonReaders");
        int bigBytes = BenchSettings.positive(run.settings(), "bigBytes");
        int normal = BenchSettings.positive(run.settings(), "normalConnections");
        Duration hostile = BenchSettings.duration(run.settings().apply("hostile"), "hostile");
        Duration every = BenchSettings.duration(run.settings().apply("sampleEvery"), "sampleEvery");
        String buffering = run.settings().apply("hostileBuffering");
        if (!buffering.equals("true") && !buffering.equals("false")) {
            throw new IllegalArgumentException("hostileBuffering: expected true or false, not " + buffering);
        }
        Duration warmup = Duration.ofSeconds(3);
        Path www = FaultApps.write(run.work());
        Files.writeString(
                www.resolve("php/big.php"),
                "<?php $b = str_repeat('x', 65536); for ($i = 0; $i < " + (bigBytes / 65536)
                        + "; $i++) { echo $b; }\n");
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<String> markers = new ArrayList<>(List.of(www.toString()));
        ServletContainer c = FaultApps.start(
                run.kind(),
                www,
                FaultApps.php(www, children, Map.of("requestBuffering", buffering, "responseBuffering", buffering)),
                ServletSpec.of("spooled", SpoolFilesServlet.class, "/spooled"));
        List<Socket> drippers = new ArrayList<>();
        List<Socket> silent = new ArrayList<>();
        Map<Socket, String> early = new ConcurrentHashMap<>();
        try {
            FaultApps.expect(c.uri("php/hello.php"), FaultApps.PHP_HELLO);
            Backend backend = FaultApps.backend(c);
            pgids.add(ProcTable.of(backend.pid()).pgid());
            pids.addAll(backend.pids());
            markers.add(backend.dir());
            Tally tally = new Tally();
            AtomicInteger cut = new AtomicInteger();
            try (LoadLoop loop = new LoadLoop(
                            List.of(LoadLoop.Target.token("php", c.uri("php/token.php"))),
                            Duration.ofSeconds(30),
                            tally,
                            10_000_000)
                    .start(normal, warmup.plus(hostile).plus(Duration.ofSeconds(2)))) {
                Thread.sleep(warmup.toMillis());
                run.say(
                        "%d php-fpm workers, request and response buffering %s; %d normal PHP connections; %d"
                                + " uploaders (Content-Length %d, 1 byte every 2 s), %d non-readers (GET of %d bytes,"
                                + " never read), for %d s",
                        children,
                        buffering.equals("true") ? "on" : "off",
                        normal,
                        uploaders,
                        UPLOAD_BYTES,
                        nonReaders,
                        bigBytes,
                        hostile.toSeconds());
                for (int i = 0; i < Math.max(uploaders, nonReaders); i++) {
                    if (i < uploaders) {
                        drippers.add(SlowClientsFault.slowClient(c.uri("php/echo.php"), UPLOAD_BYTES));
                    }
                    if (i < nonReaders) {
                        silent.add(nonReader(c.uri("php/big.php")));
                    }
                }
                long start = System.nanoTime();
                long end = start + hostile.toNanos();
                long nextDrip = start + 2_000_000_000L;
                long nextSample = start + every.toNanos();
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    if (now >= nextDrip) {
                        SlowClientsFault.drip(drippers, cut, early, start);
                        nextDrip += 2_000_000_000L;
                    }
                    if (now >= nextSample) {
                        run.say(
                                "t=%3ds pool %s; spool files %d, %d MiB; PHP %d/%d failed",
                                (now - start) / 1_000_000_000L,
                                FaultApps.pool(c).strip(),
                                spooled(c).lines().count(),
                                spooledBytes(c) >> 20,
                                tally.failures("php"),
                                tally.total("php"));
                        nextSample += every.toNanos();
                    }
                    Thread.sleep(50);
                }
                run.say("uploaders answered before their body was complete: %d %s", cut.get(), early.values());
                SlowClientsFault.closeAll(drippers);
                SlowClientsFault.closeAll(silent);
                loop.await();
            }
            run.check(
                    "PHP clients served",
                    tally.total("php") > 0 && tally.failures("php") == 0,
                    "%s",
                    tally.summary("php"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String left = spooled(c);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                left = spooled(c);
            }
            run.check(
                    "no spool file left",
                    left.isEmpty(),
                    "request spools and response buffers in the context's temp dir once the clients left: %s",
                    left.isEmpty()
                            ? "none"
                            : left.lines().count() + " " + left.lines().limit(3).toList());
        } finally {
            SlowClientsFault.closeAll(drippers);
            SlowClientsFault.closeAll(silent);
            c.close();
        }
        leaks.after(run, pgids, pids, markers, 4, 8);
        Kill9Fault.cleanUp(run, pgids, pids, began);
    }

    /** Sends a GET and never reads: a small receive buffer, so the response stays with the server. */
    private static Socket nonReader(URI uri) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        s.getOutputStream()
                .write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort()
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** The names of the spool and buffer files, one per line. */
    private static String spooled(ServletContainer c) throws IOException {
        return FaultApps.get(c.uri("spooled")).text();
    }

    private static long spooledBytes(ServletContainer c) throws IOException {
        RawHttp.Response r = FaultApps.get(c.uri("spooled?bytes"));
        return Long.parseLong(r.text().strip());
    }
}
