package dev.gatehouse.bench;

import dev.gatehouse.bench.FaultApps.Backend;
import dev.gatehouse.bench.LoadLoop.Timeline.Result;
import dev.gatehouse.bench.ProcTable.Proc;
import dev.gatehouse.it.support.Processes;
import dev.gatehouse.it.support.ServletContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kill -9} of the managed php-fpm master under load. The load runs {@code load}; the
 * master is killed after a third of it. Checked: the supervisor restarts php-fpm; every failed
 * request overlaps the window from the kill to the first 200 of a request sent after the
 * restart; nothing of the old process group runs 2 s after the restart, nor after the container
 * stopped.
 */
final class Kill9Fault {

    private static final Duration RESTART_LIMIT = Duration.ofSeconds(15);

    private Kill9Fault() {}

    static void run(FaultRun run) throws Exception {
        int children = BenchSettings.positive(run.settings(), "children");
        int connections = BenchSettings.positive(run.settings(), "connections");
        Duration load = BenchSettings.duration(run.settings().apply("load"), "load");
        Path www = FaultApps.write(run.work());
        Instant began = Instant.now();
        LeakCheck leaks = LeakCheck.before();
        List<Long> pgids = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        ServletContainer c = FaultApps.start(run.kind(), www, FaultApps.php(www, children, Map.of()));
        try {
            FaultApps.expect(c.uri("php/hello.php"), FaultApps.PHP_HELLO);
            Backend before = FaultApps.backend(c);
            Proc master = ProcTable.of(before.pid());
            pgids.add(master.pgid());
            pids.addAll(before.pids());
            markers.add(before.dir());
            run.say(
                    "php-fpm master %d, process group %d (%d running in it), workers %s; %d connections for %d s, kill -9 at %d s",
                    before.pid(),
                    master.pgid(),
                    ProcTable.running(List.of(master.pgid()), List.of(), List.of())
                            .size(),
                    before.pids().subList(1, before.pids().size()),
                    connections,
                    load.toSeconds(),
                    load.toSeconds() / 3);

            LoadLoop.Timeline timeline = new LoadLoop.Timeline(2_000_000);
            long restartAt;
            long killAt;
            List<Proc> oldGroupAfterRestart;
            Backend after;
            try (LoadLoop loop = new LoadLoop(
                            List.of(LoadLoop.Target.token("php", c.uri("php/token.php"))),
                            Duration.ofSeconds(15),
                            timeline,
                            10_000_000)
                    .start(connections, load)) {
                Thread.sleep(load.toMillis() / 3);
                killAt = System.nanoTime();
                ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly(); // SIGKILL
                after = FaultApps.backend(c);
                while ((after.restarts() < 1 || after.pid() <= 0)
                        && System.nanoTime() - killAt < RESTART_LIMIT.toNanos()) {
                    Thread.sleep(10);
                    after = FaultApps.backend(c);
                }
                restartAt = System.nanoTime();
                Proc restarted = after.pid() > 0 ? ProcTable.of(after.pid()) : null;
                if (restarted != null) {
                    pgids.add(restarted.pgid());
                    pids.addAll(after.pids());
                }
                Thread.sleep(2000);
                oldGroupAfterRestart = ProcTable.running(List.of(master.pgid()), before.pids(), List.of());
                loop.await();
                run.say("client retries on a closed kept-alive connection: %d", loop.retries());
            }
            boolean restarted = after.restarts() >= 1 && after.pid() > 0;
            run.check(
                    "restarted",
                    restarted,
                    "supervisor restart %s after the kill (restarts=%d, new master %d)",
                    FaultRun.ms(restartAt - killAt),
                    after.restarts(),
                    after.pid());
            report(run, timeline, killAt, restartAt);
            run.check(
                    "old group gone after restart",
                    oldGroupAfterRestart.isEmpty(),
                    "2 s after the restart, %d processes of the old group %d still run%s",
                    oldGroupAfterRestart.size(),
                    master.pgid(),
                    oldGroupAfterRestart.isEmpty() ? "" : ": " + oldGroupAfterRestart);
        } finally {
            c.close();
        }
        leaks.after(run, pgids, pids, markers, 4, 8);
        cleanUp(run, pgids, pids, began);
    }

    /** The failures, and whether each overlaps [kill, first 200 of a request sent after the restart]. */
    private static void report(FaultRun run, LoadLoop.Timeline timeline, long killAt, long restartAt) {
        List<Result> results = timeline.results();
        long recoveredAt = Long.MAX_VALUE;
        for (Result r : results) {
            if (r.start() >= restartAt && r.status() == 200) {
                recoveredAt = Math.min(recoveredAt, r.end());
            }
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Result> outside = new ArrayList<>();
        long firstFailure = Long.MAX_VALUE;
        long lastFailure = Long.MIN_VALUE;
        String example = null;
        int failed = 0;
        for (Result r : results) {
            if (r.status() == 200) {
                continue;
            }
            failed++;
            statuses.merge(r.status(), 1, Integer::sum);
            firstFailure = Math.min(firstFailure, r.end());
            lastFailure = Math.max(lastFailure, r.end());
            if (example == null) {
                example = r.status() + (r.error() == null ? "" : " " + r.error());
            }
            if (r.end() < killAt || r.start() > recoveredAt) {
                outside.add(r);
            }
        }
        run.say(
                "%d requests (%d not kept), %d failed %s%s",
                results.size(),
                timeline.dropped(),
                failed,
                statuses,
                failed == 0
                        ? ""
                        : String.format(
                                ", answered %s to %s after the kill, e.g. %s",
                                FaultRun.ms(firstFailure - killAt), FaultRun.ms(lastFailure - killAt), example));
        run.check(
                "serving again",
                recoveredAt != Long.MAX_VALUE,
                "restart window (kill to first 200 after the restart) %s",
                recoveredAt == Long.MAX_VALUE ? "never closed" : FaultRun.ms(recoveredAt - killAt));
        run.check(
                "failures only in the window",
                outside.isEmpty() && timeline.dropped() == 0,
                "%d of %d failures outside it%s",
                outside.size(),
                failed,
                outside.isEmpty() ? "" : ", e.g. " + outside.get(0));
    }

    /**
     * Kills, by pid, what the check found left of the groups: only processes started by this run
     * (a pid started before it is someone else's), so that a leak does not outlive the command.
     */
    static void cleanUp(FaultRun run, List<Long> pgids, List<Long> pids, Instant began) {
        List<Long> left = ProcTable.withDescendants(ProcTable.running(Set.copyOf(pgids), pids, List.of())).stream()
                .map(Proc::pid)
                .toList();
        for (long pid : left) {
            Processes.killIfStartedAfter(pid, began.minusSeconds(1));
        }
        if (!left.isEmpty()) {
            run.say("cleaned up: SIGKILL to the %d leaked processes %s", left.size(), left);
        }
    }
}
