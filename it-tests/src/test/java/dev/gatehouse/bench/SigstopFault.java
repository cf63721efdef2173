package dev.gatehouse.bench;

import dev.gatehouse.bench.FaultApps.Backend;
import dev.gatehouse.bench.LoadLoop.Timeline.Result;
import dev.gatehouse.it.support.ServletContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SIGSTOP of the managed php-fpm's whole process group (master and workers) for {@code stop},
 * longer than the proxy's {@code readTimeout}, while requests flow; then SIGCONT. As many
 * connections as workers, so that no request waits in the proxy's queue and a time to 504 is
 * the read timeout alone. Checked: requests answered 504 within the timeout + 1 s; after SIGCONT
 * a 200 again, and every request sent after it succeeds; the pool back to no busy and no
 * queued connection and at most {@code children} open once the load stops.
 */
final class SigstopFault {

    private static final long SLACK_NANOS = Duration.ofSeconds(1).toNanos();

    private SigstopFault() {}

    static void run(FaultRun run) throws Exception {
        int children = BenchSettings.positive(run.settings(), "children");
        Duration readTimeout = BenchSettings.duration(run.settings().apply("readTimeout"), "readTimeout");
        Duration stop = BenchSettings.duration(run.settings().apply("stop"), "stop");
        Duration before = Duration.ofSeconds(3);
        Duration afterCont = Duration.ofSeconds(5);
        Path www = FaultApps.write(run.work());
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        ServletContainer c = FaultApps.start(
                run.kind(), www, FaultApps.php(www, children, Map.of("readTimeout", readTimeout.toMillis() + "ms")));
        try {
            FaultApps.expect(c.uri("php/hello.php"), FaultApps.PHP_HELLO);
            Backend backend = FaultApps.backend(c);
            long pgid = ProcTable.of(backend.pid()).pgid();
            pgids.add(pgid);
            pids.addAll(backend.pids());
            markers.add(backend.dir());
            run.say(
                    "php-fpm group %d (%d processes), readTimeout %d ms; %d connections; SIGSTOP after %d s for %d s",
                    pgid,
                    backend.pids().size(),
                    readTimeout.toMillis(),
                    children,
                    before.toSeconds(),
                    stop.toSeconds());
            LoadLoop.Timeline timeline = new LoadLoop.Timeline(2_000_000);
            long stopAt;
            long contAt;
            String poolBefore;
            String poolStopped;
            String poolRecovered;
            try (LoadLoop loop = new LoadLoop(
                            List.of(LoadLoop.Target.token("php", c.uri("php/token.php"))),
                            readTimeout.plus(Duration.ofSeconds(10)),
                            timeline,
                            10_000_000)
                    .start(children, before.plus(stop).plus(afterCont))) {
                Thread.sleep(before.toMillis());
                poolBefore = FaultApps.pool(c);
                stopAt = System.nanoTime();
                try {
                    FaultApps.signalGroup("STOP", pgid);
                    Thread.sleep(stop.toMillis() - 200);
                    poolStopped = FaultApps.pool(c);
                    Thread.sleep(200);
                } finally {
                    contAt = System.nanoTime();
                    FaultApps.signalGroup("CONT", pgid); // never leave it stopped: SIGTERM waits on a stopped process
                }
                Thread.sleep(afterCont.toMillis() - 500);
                poolRecovered = FaultApps.pool(c);
                loop.await();
                run.say("client retries on a closed kept-alive connection: %d", loop.retries());
            }
            Thread.sleep(500);
            String poolIdle = FaultApps.pool(c);
            report(run, timeline, stopAt, contAt, readTimeout);
            run.say(
                    "pool before: %s; stopped: %s; recovered: %s; idle: %s",
                    poolBefore, poolStopped, poolRecovered, poolIdle);
            run.check(
                    "pool back to normal",
                    FaultApps.poolFigure(poolIdle, "busy") == 0
                            && FaultApps.poolFigure(poolIdle, "queued") == 0
                            && FaultApps.poolFigure(poolIdle, "open") <= children,
                    "after the load: %s (expected busy=0 queued=0 open<=%d)",
                    poolIdle,
                    children);
            Backend now = FaultApps.backend(c);
            run.check(
                    "same php-fpm",
                    now.pid() == backend.pid() && now.restarts() == 0,
                    "master %d, restarts %d (a stopped backend is slow, not dead)",
                    now.pid(),
                    now.restarts());
        } finally {
            c.close();
        }
        leaks.after(run, pgids, pids, markers, 4, 8);
        Kill9Fault.cleanUp(run, pgids, pids, began);
    }

    private static void report(
            FaultRun run, LoadLoop.Timeline timeline, long stopAt, long contAt, Duration readTimeout) {
        List<Result> results = timeline.results();
        Map<Integer, Integer> during = new TreeMap<>();
        long max504 = 0;
        long maxAnswer = 0;
        long firstOkAfterCont = Long.MAX_VALUE;
        List<Result> bad = new ArrayList<>();
        List<Result> slow504 = new ArrayList<>();
        for (Result r : results) {
            boolean overlapsStop = r.end() >= stopAt && r.start() <= contAt;
            if (r.status() == 200 && r.start() >= contAt) {
                firstOkAfterCont = Math.min(firstOkAfterCont, r.end());
            }
            if (overlapsStop) {
                during.merge(r.status(), 1, Integer::sum);
                maxAnswer = Math.max(maxAnswer, r.end() - r.start());
                if (r.status() == 504) {
                    max504 = Math.max(max504, r.end() - r.start());
                    if (r.end() - r.start() > readTimeout.toNanos() + SLACK_NANOS) {
                        slow504.add(r);
                    }
                } else if (r.status() != 200) {
                    bad.add(r);
                }
            } else if (r.status() != 200) {
                bad.add(r);
            }
        }
        run.say(
                "%d requests (%d not kept); overlapping the stop: %s; max time to 504 %s, to any answer %s",
                results.size(), timeline.dropped(), during, FaultRun.ms(max504), FaultRun.ms(maxAnswer));
        run.check(
                "504 within the timeout",
                during.getOrDefault(504, 0) > 0 && slow504.isEmpty(),
                "%d answered 504, %d of them later than readTimeout + 1 s (max %s)",
                during.getOrDefault(504, 0),
                slow504.size(),
                FaultRun.ms(max504));
        long recovered = firstOkAfterCont;
        long okLater = results.stream().filter(r -> r.start() >= recovered).count();
        List<Result> failedLater = results.stream()
                .filter(r -> r.start() >= recovered && r.status() != 200)
                .toList();
        run.check(
                "recovered after SIGCONT",
                firstOkAfterCont != Long.MAX_VALUE && failedLater.isEmpty(),
                "first 200 %s after SIGCONT; %d later requests, %d failed%s",
                firstOkAfterCont == Long.MAX_VALUE ? "never" : FaultRun.ms(firstOkAfterCont - contAt),
                okLater,
                failedLater.size(),
                failedLater.isEmpty() ? "" : ", e.g. " + failedLater.get(0));
        run.check(
                "no other failure",
                bad.isEmpty(),
                "%d requests failed other than with 504 while stopped%s",
                bad.size(),
                bad.isEmpty() ? "" : ", e.g. " + bad.get(0));
    }
}
