package dev.gatehouse.servlet.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The live descendants of one process, found through {@code /proc/PID/task/TID/children}
 * (proc(5), Linux 3.5 and later with {@code CONFIG_PROC_CHILDREN}): it reads the files of the
 * tree itself only, where {@link ProcessHandle#descendants()} reads the stat file of every
 * process on the machine. With hundreds of scripts running, that scan takes tens of
 * milliseconds and a timeout kills twice per tree, so hundreds of kills that fall due together
 * took seconds of CPU; this walk takes microseconds per process of the tree.
 *
 * <p>The kernel's list is a snapshot that may miss a child forked while it is read, as any
 * listing may; {@link ChildProcess#killTree()} walks again after its kill for that reason.
 */
final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    /** Whether this kernel has the children files; without them {@link #descendants} answers empty. */
    private static final boolean AVAILABLE =
            Files.isReadable(PROC.resolve(Long.toString(ProcessHandle.current().pid()))
                    .resolve("task")
                    .resolve(Long.toString(ProcessHandle.current().pid()))
                    .resolve("children"));

    private ProcessTree() {}

    /**
     * Handles of the live descendants of {@code pid}, parents before their children; taken now,
     * so that a kill through them never reaches a process that later reuses one of the pids.
     * Where the kernel lacks the {@code children} files, the JDK's scan of every process.
     */
    static List<ProcessHandle> descendants(long pid) {
        if (!AVAILABLE) {
            return ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
        }
        List<ProcessHandle> found = new ArrayList<>();
        Deque<Long> parents = new ArrayDeque<>();
        parents.add(pid);
        while (!parents.isEmpty()) {
            for (long child : children(parents.poll())) {
                Optional<ProcessHandle> handle = ProcessHandle.of(child);
                if (handle.isPresent()) {
                    found.add(handle.get());
                    parents.add(child);
                }
            }
        }
        return found;
    }

    /** The children of every thread of {@code pid}; none when it is gone. */
    private static List<Long> children(long pid) {
        List<Long> children = new ArrayList<>();
        try (DirectoryStream<Path> tasks =
                Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path task : tasks) {
                String list;
                try {
                    list = Files.readString(task.resolve("children"));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread ended meanwhile
                }
                for (String word : list.trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        children.add(Long.parseLong(word));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone: it has no children left to find
        }
        return children;
    }
}
