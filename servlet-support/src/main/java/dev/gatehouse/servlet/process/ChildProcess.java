package dev.gatehouse.servlet.process;

import dev.gatehouse.servlet.JreLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.launcher.CommandLauncher;
import org.apache.commons.exec.launcher.CommandLauncherFactory;

/**
 * One child process of the gateway — a CGI script, or a FastCGI server such as php-fpm that a
 * proxy manages — started through commons-exec's launcher with exactly the given environment
 * (nothing inherited) in the given directory. This object owns the process: its streams, and the
 * kill of its whole tree.
 *
 * <p>commons-exec's {@code ExecuteWatchdog} destroys only the direct process, and its
 * {@code PumpStreamHandler} spends a thread per stream; so the launcher is used alone, the
 * caller relays the streams, and {@link #killTree()} kills the whole tree: every process in
 * {@link ProcessHandle#descendants()}, and — when the program was started as the leader of a
 * process group of its own through {@code setsid(1)} — every process left in that
 * {@link ProcessGroup}, which catches children that outlived their parent (a {@code cmd &} that
 * keeps stdout open). A group outlives its leader: {@link #close()} kills what is left of it
 * even when the leader has exited or was killed by someone else, since its members are then
 * re-parented and no descendant walk finds them.
 */
public final class ChildProcess implements AutoCloseable {

    private static final CommandLauncher LAUNCHER = CommandLauncherFactory.createVMLauncher();

    /** {@code setsid(1)} from util-linux, when present: it makes the program a group leader. */
    private static final Path SETSID = findSetsid();

    private final Process process;
    private final String name;
    private final ProcessGroup group;

    private ChildProcess(Process process, String name, boolean groupLeader) {
        this.process = process;
        this.name = name;
        this.group = groupLeader ? ProcessGroup.ledBy(process.pid()) : null;
    }

    /** Whether programs can be given a process group of their own on this machine. */
    public static boolean processGroupsAvailable() {
        return SETSID != null;
    }

    /**
     * Starts {@code argv} with {@code environment} in {@code directory}.
     *
     * @param name a short name for log lines, e.g. the SCRIPT_NAME or the servlet's name
     */
    public static ChildProcess start(
            List<String> argv, Map<String, String> environment, Path directory, String name, boolean ownProcessGroup)
            throws IOException {
        boolean group = ownProcessGroup && SETSID != null;
        CommandLine command = new CommandLine(group ? SETSID.toString() : argv.get(0));
        for (String arg : group ? argv : argv.subList(1, argv.size())) {
            command.addArgument(arg, false);
        }
        return new ChildProcess(
                JreLeaks.startProcess(() -> LAUNCHER.exec(command, environment, directory.toFile())), name, group);
    }

    /** The program's standard input: the request body goes here. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** The program's standard output: the CGI response. */
    public InputStream stdout() {
        return process.getInputStream();
    }

    /** The program's standard error: log lines. */
    public InputStream stderr() {
        return process.getErrorStream();
    }

    public long pid() {
        return process.pid();
    }

    /** The pids of the program and of its live descendants, the program's first. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        if (process.isAlive()) {
            pids.add(process.pid());
        }
        process.descendants().filter(ProcessHandle::isAlive).forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * Handles of the program and of its live descendants, the program's first; taken now, so that
     * a kill through them later reaches these processes and never one that reuses a pid. A server
     * keeps such a snapshot to find workers that a killed master leaves behind.
     */
    public List<ProcessHandle> tree() {
        return pids().stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Asks the program to stop (SIGTERM to the program itself, not its tree): a server such as
     * php-fpm then stops its workers and exits. Follow with {@link #waitFor} and, if it is still
     * running, {@link #killTree()}.
     */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the exit status, up to the given time; returns null when it is still running. */
    public Integer waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit) ? process.exitValue() : null;
    }

    /**
     * {@link #waitFor} for a caller that cannot be interrupted meaningfully (a supervisor, a
     * shutdown path): an interrupt ends the wait with null and stays set on the thread.
     */
    public Integer awaitExit(long timeout, TimeUnit unit) {
        try {
            return waitFor(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Waits, bounded, until the program's process group is empty and none of {@code others} runs,
     * killing again what it still finds in the group: SIGKILL takes effect asynchronously, and a
     * process still holding a resource (a server's worker on its listening socket) would be met
     * by whatever comes next. An exited orphan waiting for its reaper (a zombie) counts as gone.
     *
     * @param others processes to wait for too, typically a {@link #tree()} snapshot taken while
     *     the program ran: those that left the group are found through it
     * @return the members of the group still running when the group's wait ran out; empty when
     *     it emptied, or when the program has no group
     */
    public List<Long> awaitGone(Collection<ProcessHandle> others, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Long> left = List.of();
        if (group != null && !group.awaitEmpty(timeout, unit)) {
            left = group.members();
        }
        for (ProcessHandle h : others) {
            while (ProcessGroup.running(h.pid()) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        return left;
    }

    /**
     * Whether the JVM runs as root (uid 0), and so every program it starts unless told otherwise;
     * false when it cannot tell (no {@code /proc}, no {@code unix} attribute view).
     */
    public static boolean jvmRunsAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The process group the program leads, or null when it was started without one. It outlives
     * the program while any member runs.
     */
    public ProcessGroup group() {
        return group;
    }

    /**
     * Kills the program and every descendant it started (SIGKILL). The tree is listed before the
     * program dies, since its children are re-parented then and no longer found; with a process
     * group, the group is killed too, whether its leader still runs or not. Idempotent; does not
     * wait for the processes to die.
     */
    public void killTree() {
        List<ProcessHandle> tree = descendants();
        if (group != null) {
            group.kill();
        }
        process.destroyForcibly();
        for (ProcessHandle child : tree) {
            child.destroyForcibly();
        }
        // children started between the snapshot and the kill of their parent
        descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * The program's live descendants: through the tree's own {@code /proc} files where the kernel
     * has them ({@link ProcessTree}), else by the JDK's scan of every process on the machine.
     */
    private List<ProcessHandle> descendants() {
        return ProcessTree.descendants(process.pid());
    }

    private static Path findSetsid() {
        for (String dir : new String[] {"/usr/bin", "/bin"}) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Kills the tree if the program still runs, and what is left of its process group if it has
     * one (members outlive a leader that exited or was killed); closes the streams.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            killTree();
        } else if (group != null) {
            group.kill();
        }
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a pipe to a dead process: nothing to report
        }
    }
}
