package dev.gatehouse.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Process checks by pid, for asserting that a gateway killed what it started. */
public final class Processes {

    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

    private Processes() {}

    /**
     * Whether {@code pid} is a running process. An exited process that waits to be reaped (a
     * zombie) counts as gone: it holds nothing, and reaping an orphan is init's job, which some
     * container inits do late.
     */
    public static boolean running(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        if (!PROC) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Closes {@code container} and returns the processes this JVM had started before (a managed
     * php-fpm and its workers, say) that still run {@code limit} later: empty when the container
     * took all of them down with it.
     */
    public static List<Long> closeAndAwaitChildren(ServletContainer container, Duration limit)
            throws InterruptedException {
        List<Long> started = ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
        container.close();
        return awaitGone(started, limit);
    }

    /** Waits up to {@code limit} for all of {@code pids} to be gone; returns those still running. */
    public static List<Long> awaitGone(List<Long> pids, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        List<Long> alive;
        do {
            alive = new ArrayList<>();
            for (long pid : pids) {
                if (running(pid)) {
                    alive.add(pid);
                }
            }
            if (alive.isEmpty()) {
                return alive;
            }
            Thread.sleep(50);
        } while (Instant.now().isBefore(end));
        return alive;
    }

    /**
     * Kills {@code pid} if it still runs and was started after {@code since} — a guard against
     * a recycled pid. A safety net for test clean-up only: the assertions are about the gateway
     * having killed it.
     */
    public static void killIfStartedAfter(long pid, Instant since) {
        ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .startInstant()
                        .map(start -> !start.isBefore(since))
                        .orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits up to {@code limit} for a file to appear, e.g. a pid file written by a script. */
    public static String awaitFile(Path file, Duration limit) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (!Files.exists(file)) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("no " + file + " within " + limit.toMillis() + " ms");
            }
            Thread.sleep(20);
        }
        return Files.readString(file).strip();
    }
}
