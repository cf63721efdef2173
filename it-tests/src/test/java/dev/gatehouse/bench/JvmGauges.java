package dev.gatehouse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** This JVM's own resources as the kernel and the JVM count them: threads, open fds, resident memory. */
final class JvmGauges {

    private JvmGauges() {}

    /** Live Java threads (ThreadMXBean: daemon and not; the JVM's hidden compiler threads excluded). */
    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /**
     * The JDK's "process reaper" threads: one waits for each running child process (named
     * {@code process reaper (pid N)} meanwhile); idle ones stay in the JDK's cached pool for 60 s
     * after their process ended, then end.
     */
    static int reapers() {
        return reapers(false);
    }

    /** Only the idle ones ({@code busy} false), or all. */
    static int reapers(boolean idleOnly) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> idleOnly
                        ? t.getName().equals("process reaper")
                        : t.getName().startsWith("process reaper"))
                .count();
    }

    /**
     * Live threads less those parked idle in a pool, waiting for work: a container's request
     * threads between tasks (Jetty's {@code QueuedThreadPool} and reserved threads, Tomcat's
     * executor), and the JDK's idle process reapers. A container grows its pool to the peak of
     * simultaneous callbacks and keeps idle threads for a minute; what a slow client must not
     * do is hold a thread, which shows here and not in the pool's idle reserve.
     */
    static int workingThreads() {
        int working = 0;
        for (Map.Entry<Thread, StackTraceElement[]> t :
                Thread.getAllStackTraces().entrySet()) {
            if (!idleInAPool(t.getKey(), t.getValue())) {
                working++;
            }
        }
        return working;
    }

    private static boolean idleInAPool(Thread thread, StackTraceElement[] stack) {
        if (thread.getName().equals("process reaper")) {
            return true; // busy reapers are named "process reaper (pid N)"
        }
        for (StackTraceElement frame : stack) {
            String where = frame.getClassName() + "." + frame.getMethodName();
            if (where.equals("org.eclipse.jetty.util.thread.QueuedThreadPool$Runner.idleJobPoll")
                    || where.equals("org.eclipse.jetty.util.thread.ReservedThreadExecutor$ReservedThread.waitForTask")
                    || where.equals("org.apache.tomcat.util.threads.TaskQueue.poll")
                    || where.equals("org.apache.tomcat.util.threads.TaskQueue.take")) {
                return true;
            }
        }
        return false;
    }

    /** Entries of {@code /proc/self/fd}. */
    static int fds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count() - 1; // the directory stream's own
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd: " + e, e);
        }
    }

    /** VmRSS of {@code /proc/self/status}, in KiB. */
    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status: " + e, e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Live threads by name with digits replaced by {@code #}: {@code qtp#-#=12}. */
    static Map<String, Integer> threadNames() {
        Map<String, Integer> names = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return names;
    }

    /** The names of which {@code after} has more threads than {@code before}, with the difference. */
    static Map<String, Integer> moreThreads(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> more = new TreeMap<>();
        after.forEach((name, n) -> {
            int d = n - before.getOrDefault(name, 0);
            if (d > 0) {
                more.put(name, d);
            }
        });
        return more;
    }
}
