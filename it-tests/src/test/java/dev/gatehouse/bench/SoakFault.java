package dev.gatehouse.bench;

import dev.gatehouse.bench.FaultApps.Backend;
import dev.gatehouse.it.support.ServletContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code soak} of mixed load at {@code connections}: CGI ({@code hello.sh}), PHP through the
 * proxy and its managed php-fpm, and an ASGI hello, in turn on each connection. With both
 * containers it runs them at once in this JVM, the connections split between them; with one,
 * that one alone. A warm-up ({@code soakWarmup}) comes first (its requests count for errors,
 * not for the figures). Every {@code soakSample} the JVM's RSS, threads and open fds and each
 * php-fpm's workers are sampled. Checked: no failed request; the averages over the last minute
 * no higher than over the first (a third of the run each when it is shorter than 3 min) by more
 * than {@code soakRssMiB}, {@code soakThreads}, {@code soakFds}; php-fpm's workers always
 * {@code children}.
 */
final class SoakFault {

    private record Sample(long atNanos, long rssKiB, int threads, int fds, int workers) {}

    private SoakFault() {}

    static void run(FaultRun run, List<ServletContainer.Kind> kinds) throws Exception {
        int children = BenchSettings.positive(run.settings(), "children");
        int connections = BenchSettings.positive(run.settings(), "connections");
        Duration soak = BenchSettings.duration(run.settings().apply("soak"), "soak");
        Duration warmup = BenchSettings.duration(run.settings().apply("soakWarmup"), "soakWarmup");
        Duration every = BenchSettings.duration(run.settings().apply("soakSample"), "soakSample");
        int rssMiB = BenchSettings.positive(run.settings(), "soakRssMiB");
        int threadsTolerance = BenchSettings.positive(run.settings(), "soakThreads");
        int fdsTolerance = BenchSettings.positive(run.settings(), "soakFds");
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        List<ServletContainer> containers = new ArrayList<>();
        List<LoadLoop> loops = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        Tally tally = new Tally();
        try {
            List<Backend> backends = new ArrayList<>();
            for (ServletContainer.Kind kind : kinds) {
                String name = kind.name().toLowerCase(Locale.ROOT);
                Path www = FaultApps.write(Files.createDirectories(run.work().resolve(name)));
                markers.add(www.toString());
                ServletContainer c = FaultApps.start(
                        kind,
                        www,
                        FaultApps.cgi(www, Map.of()),
                        FaultApps.php(www, children, Map.of()),
                        FaultApps.asgi());
                containers.add(c);
                FaultApps.expect(c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO);
                FaultApps.expect(c.uri("php/hello.php"), FaultApps.PHP_HELLO);
                FaultApps.expect(c.uri("asgi"), FaultApps.ASGI_HELLO);
                Backend b = FaultApps.backend(c);
                backends.add(b);
                pgids.add(ProcTable.of(b.pid()).pgid());
                pids.addAll(b.pids());
                markers.add(b.dir());
                List<LoadLoop.Target> targets = List.of(
                        new LoadLoop.Target(name + " cgi", c.uri("cgi-bin/hello.sh"), FaultApps.CGI_HELLO),
                        LoadLoop.Target.token(name + " php", c.uri("php/token.php")),
                        new LoadLoop.Target(name + " asgi", c.uri("asgi"), FaultApps.ASGI_HELLO));
                targets.forEach(t -> tags.add(t.tag()));
                int share = Math.max(1, connections / kinds.size());
                loops.add(new LoadLoop(targets, Duration.ofSeconds(30), tally, Long.MAX_VALUE / 2)
                        .start(share, warmup.plus(soak)));
            }
            run.say(
                    "%d connections (%s), CGI/PHP/ASGI in turn; %d s warm-up, then %d s sampled every %d s",
                    connections,
                    kinds.size() > 1 ? "split between the containers, both at once" : "one container",
                    warmup.toSeconds(),
                    soak.toSeconds(),
                    every.toSeconds());
            Thread.sleep(warmup.toMillis());
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + soak.toNanos();
            long next = start;
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= next) {
                    int workers = 0;
                    for (ServletContainer c : containers) {
                        workers +=
                                ProcTable.children(FaultApps.backend(c).pid()).size();
                    }
                    Sample s = new Sample(
                            System.nanoTime() - start,
                            JvmGauges.rssKiB(),
                            JvmGauges.threads(),
                            JvmGauges.fds(),
                            workers);
                    samples.add(s);
                    boolean lastOne = System.nanoTime() + every.toNanos() >= end;
                    if (lastOne || samples.size() % Math.max(1, (int) (60 / Math.max(1, every.toSeconds()))) == 1) {
                        run.say(
                                "t=%4ds RSS %d MiB, threads %d, fds %d, php-fpm workers %d; %d requests, %d failed",
                                s.atNanos() / 1_000_000_000L,
                                s.rssKiB() / 1024,
                                s.threads(),
                                s.fds(),
                                s.workers(),
                                tags.stream().mapToLong(tally::total).sum(),
                                tags.stream().mapToLong(tally::failures).sum());
                    }
                    next += every.toNanos();
                }
                Thread.sleep(100);
            }
            for (LoadLoop l : loops) {
                l.await();
            }
            for (String tag : tags) {
                run.say("%-12s %s", tag, tally.summary(tag));
            }
            long failed = tags.stream().mapToLong(tally::failures).sum();
            run.check(
                    "no failed request",
                    failed == 0,
                    "%d of %d failed",
                    failed,
                    tags.stream().mapToLong(tally::total).sum());
            judge(run, samples, soak, children * kinds.size(), rssMiB, threadsTolerance, fdsTolerance);
        } finally {
            for (LoadLoop l : loops) {
                l.close();
            }
            for (ServletContainer c : containers) {
                c.close();
            }
        }
        leaks.after(run, pgids, pids, markers, 4, 8);
        Kill9Fault.cleanUp(run, pgids, pids, began);
    }

    private static void judge(
            FaultRun run, List<Sample> samples, Duration soak, int workers, int rssMiB, int threads, int fds) {
        long window = Math.min(Duration.ofMinutes(1).toNanos(), soak.toNanos() / 3);
        List<Sample> first = samples.stream().filter(s -> s.atNanos() < window).toList();
        List<Sample> last = samples.stream()
                .filter(s -> s.atNanos() >= soak.toNanos() - window)
                .toList();
        if (first.isEmpty() || last.isEmpty()) {
            run.check("sampled", false, "too few samples (%d) for a first and a last window", samples.size());
            return;
        }
        double rss0 = avg(first, s -> s.rssKiB() / 1024.0);
        double rss1 = avg(last, s -> s.rssKiB() / 1024.0);
        double t0 = avg(first, Sample::threads);
        double t1 = avg(last, Sample::threads);
        double f0 = avg(first, Sample::fds);
        double f1 = avg(last, Sample::fds);
        String span =
                String.format(Locale.ROOT, "first %d s vs last %d s", window / 1_000_000_000L, window / 1_000_000_000L);
        run.check(
                "RSS flat",
                rss1 - rss0 <= rssMiB,
                "%s: %.1f -> %.1f MiB (tolerance +%d MiB)",
                span,
                rss0,
                rss1,
                rssMiB);
        run.check("threads flat", t1 - t0 <= threads, "%s: %.1f -> %.1f (tolerance +%d)", span, t0, t1, threads);
        run.check("fds flat", f1 - f0 <= fds, "%s: %.1f -> %.1f (tolerance +%d)", span, f0, f1, fds);
        long off = samples.stream().filter(s -> s.workers() != workers).count();
        run.check(
                "php-fpm workers flat",
                off == 0,
                "%s: %.1f -> %.1f, %d of %d samples not %d",
                span,
                avg(first, Sample::workers),
                avg(last, Sample::workers),
                off,
                samples.size(),
                workers);
    }

    private static double avg(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        return samples.stream().mapToDouble(f).average().orElse(Double.NaN);
    }
}
