package dev.gatehouse.fastcgi.managed;

import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.ProcessGroup;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What {@link ManagedBackend} asks of the operating system about its processes and its private
 * directory: the tree of a process, waiting until killed processes are really gone, whether the
 * JVM runs as root, removing the directory.
 */
final class ProcessTrees {
    private static final Logger LOG = SafeLogger.of(ManagedBackend.class.getName());
    private static final long REAP_NANOS = TimeUnit.SECONDS.toNanos(2);

    private ProcessTrees() {}

    /**
     * Waits, bounded, until none of {@code handles} runs and {@code server}'s process group is
     * empty, killing again what it still finds there: SIGKILL takes effect asynchronously, and a
     * worker still holding the listening socket would answer the next start's probe. An exited
     * orphan waiting for its reaper (a zombie) counts as gone.
     */
    static void awaitGone(ChildProcess server, List<ProcessHandle> handles) {
        long deadline = System.nanoTime() + REAP_NANOS;
        ProcessGroup group = server.group();
        if (group != null && !group.awaitEmpty(REAP_NANOS, TimeUnit.NANOSECONDS)) {
            LOG.log(
                    Level.WARNING,
                    "{0} of pid {1} still has members {2} after SIGKILL",
                    group,
                    server.pid(),
                    group.members());
        }
        for (ProcessHandle h : handles) {
            while (ProcessGroup.running(h.pid()) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    static List<ProcessHandle> handles(ChildProcess p) {
        return p.pids().stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .toList();
    }

    static Integer waitQuietly(ChildProcess p) {
        try {
            return p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
