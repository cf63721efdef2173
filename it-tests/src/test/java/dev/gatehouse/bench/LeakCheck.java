package dev.gatehouse.bench;

import dev.gatehouse.bench.ProcTable.Proc;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scenario must leave behind once its container has stopped: nothing. Taken before the
 * container starts, checked after it stopped: no running process of the process groups, pids or
 * command lines the scenario names; no new {@code gatehouse-*} directory in
 * {@code java.io.tmpdir} (the command gives the JVM a private one); the JVM's threads and open
 * fds back to what they were, within a tolerance for threads and buffers the JVM itself keeps.
 * The JDK's "process reaper" threads are not counted: idle ones are kept 60 s in its own pool.
 */
final class LeakCheck {

    /** How long stopped things get to go away (a script killed, a backend after SIGTERM). */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final int threads;
    private final int fds;
    private final Set<String> tempDirs;
    private final Map<String, Integer> threadNames;

    private LeakCheck(int threads, int fds, Set<String> tempDirs, Map<String, Integer> threadNames) {
        this.threads = threads;
        this.fds = fds;
        this.tempDirs = tempDirs;
        this.threadNames = threadNames;
    }

    static LeakCheck before() {
        return new LeakCheck(
                JvmGauges.threads() - JvmGauges.reapers(true), JvmGauges.fds(), tempDirs(), JvmGauges.threadNames());
    }

    /**
     * Waits up to 10 s for everything to be gone, then records one check per kind of leak.
     *
     * @param threadTolerance threads the JVM may have more than before (a JIT or GC thread, the
     *     HTTP client's selector, a container's shared scheduler)
     * @param fdTolerance fds the JVM may have more than before (jar files opened for classes
     *     loaded late, and the like)
     */
    void after(
            FaultRun run,
            Collection<Long> pgids,
            Collection<Long> pids,
            Collection<String> markers,
            int threadTolerance,
            int fdTolerance)
            throws InterruptedException {
        long end = System.nanoTime() + SETTLE.toNanos();
        List<Proc> procs;
        Set<String> newDirs;
        int t;
        int f;
        while (true) {
            procs = ProcTable.withDescendants(ProcTable.running(pgids, pids, markers));
            newDirs = new HashSet<>(tempDirs());
            newDirs.removeAll(tempDirs);
            t = JvmGauges.threads() - JvmGauges.reapers(true);
            f = JvmGauges.fds();
            boolean clean =
                    procs.isEmpty() && newDirs.isEmpty() && t <= threads + threadTolerance && f <= fds + fdTolerance;
            if (clean || System.nanoTime() > end) {
                break;
            }
            System.gc(); // an unreachable HTTP client's selector thread ends when it is collected
            Thread.sleep(200);
        }
        run.check(
                "no process left",
                procs.isEmpty(),
                "%d running in process groups %s, pids %s or command lines with %s, or their descendants%s",
                procs.size(),
                pgids,
                pids.size() > 8 ? pids.size() + " pids" : pids,
                markers,
                procs.isEmpty() ? "" : ": " + procs);
        // the test harness's Tomcat base directory is not the servlets': noted, with what is in it
        List<String> harness =
                newDirs.stream().filter(d -> d.startsWith(HARNESS)).sorted().toList();
        newDirs.removeAll(harness);
        if (!harness.isEmpty()) {
            run.say("note: the test harness left its Tomcat base directory: %s", contents(harness));
        }
        run.check(
                "no temp dir left",
                newDirs.isEmpty(),
                "new gatehouse-* in %s (the harness's %s* apart): %s",
                System.getProperty("java.io.tmpdir"),
                HARNESS,
                newDirs.isEmpty() ? "none" : contents(newDirs));
        run.check(
                "JVM threads back",
                t <= threads + threadTolerance,
                "%d before, %d after (tolerance +%d; idle JDK process reapers not counted)%s",
                threads,
                t,
                threadTolerance,
                t <= threads ? "" : "; more: " + JvmGauges.moreThreads(threadNames, JvmGauges.threadNames()));
        run.check("JVM fds back", f <= fds + fdTolerance, "%d before, %d after (tolerance +%d)", fds, f, fdTolerance);
    }

    private static final String HARNESS = dev.gatehouse.it.support.ServletContainer.TOMCAT_BASE_PREFIX;

    /** Each directory with the files under it, the first 10. */
    private static String contents(Collection<String> dirs) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        StringBuilder b = new StringBuilder();
        for (String d : dirs) {
            try (var files = Files.walk(tmp.resolve(d))) {
                b.append(d)
                        .append(' ')
                        .append(files.skip(1)
                                .limit(10)
                                .map(p -> tmp.resolve(d).relativize(p).toString())
                                .toList())
                        .append(' ');
            } catch (IOException e) {
                b.append(d).append(" (").append(e.getMessage()).append(") ");
            }
        }
        return b.toString().strip();
    }

    private static Set<String> tempDirs() {
        Set<String> dirs = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(
                Path.of(System.getProperty("java.io.tmpdir")), "{gatehouse-*," + HARNESS + "*}")) {
            for (Path p : s) {
                dirs.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list java.io.tmpdir: " + e, e);
        }
        return dirs;
    }
}
