package dev.gatehouse.fastcgi.managed;

import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Kind;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Listen;
import dev.gatehouse.servlet.SafeLogger;
import dev.gatehouse.servlet.process.ChildProcess;
import dev.gatehouse.servlet.process.StderrRelay;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A FastCGI server the proxy runs itself (php-fpm, php-cgi or any command), in a private
 * temporary directory (mode 0700) that holds its configuration and Unix socket. This object owns
 * the process, its directory and one daemon thread, the supervisor:
 *
 * <ul>
 *   <li>{@link #start()} launches it through commons-exec ({@link ChildProcess}, as the leader of
 *       its own process group) and returns once its socket accepts a connection, or fails with
 *       {@link BackendStartException} naming the command, the exit status and its last output.
 *   <li>The supervisor relays its output to the log, polling both pipes without blocking; when
 *       the server exits it logs a WARNING with the status, kills what is left of its process
 *       group (workers of a killed php-fpm master go on serving otherwise), and starts it again
 *       after a {@link Backoff} of 100 ms doubling to 10 s, reset by a minute of health. Meanwhile
 *       requests fail as for any unreachable backend (502).
 *   <li>{@link #close()} sends SIGTERM, waits up to {@code backendStopTimeout}, kills the tree and
 *       removes the directory. A JVM shutdown hook does the same if the container never calls it
 *       (Ctrl-C on {@code java -jar}).
 * </ul>
 */
public final class ManagedBackend implements AutoCloseable {

    private static final Logger LOG = SafeLogger.of(ManagedBackend.class.getName());
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long TREE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REAP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_SOCKET_PATH = 100; // sun_path holds 108 bytes with the NUL

    private final ManagedBackendConfig config;
    private final Kind kind;
    private final String name;
    private final Path dir;
    private final BackendAddress address;
    private final LaunchPlan plan;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(1));
    private final Thread shutdownHook;

    private volatile ChildProcess process;
    private volatile List<ProcessHandle> tree = List.of();
    private volatile boolean closed;
    /** Counted down when {@link #close()} has finished, on whichever thread ran it. */
    private final CountDownLatch closeDone = new CountDownLatch(1);

    private volatile int restarts;
    private Thread supervisor;
    private volatile StderrRelay stdout;
    private volatile StderrRelay stderr;
    private volatile long startedAt;
    private volatile int lastExitStatus = -1;
    private volatile long lastExitMillis;

    private ManagedBackend(ManagedBackendConfig config, Kind kind, Path program, String name) throws IOException {
        this.config = config;
        this.kind = kind;
        this.name = name;
        this.dir = Files.createTempDirectory("gatehouse-fcgi-"); // 0700 on POSIX file systems
        try {
            this.address = address(config.listen(), dir);
            this.plan = LaunchPlan.of(
                    config, kind, program, dir, address, System.getenv("PATH"), ChildProcess.jvmRunsAsRoot());
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        this.shutdownHook = new Thread(this::close, "gatehouse-backend-stop-" + name);
    }

    /**
     * Prepares (does not start) the backend {@code config} describes: finds the program, creates
     * the directory, chooses the address. Empty only for {@code auto} when neither php-fpm nor
     * php-cgi is installed.
     *
     * @param name a short name for log lines and threads, e.g. the servlet's
     * @throws IllegalArgumentException if the program is not found
     */
    public static Optional<ManagedBackend> prepare(ManagedBackendConfig config, String name) throws IOException {
        Kind kind = config.kind();
        Path program = null;
        if (kind == Kind.AUTO) {
            Optional<Path> fpm = Programs.phpFpm();
            Optional<Path> cgi = fpm.isPresent() ? Optional.empty() : Programs.phpCgi();
            if (fpm.isEmpty() && cgi.isEmpty()) {
                return Optional.empty();
            }
            kind = fpm.isPresent() ? Kind.PHP_FPM : Kind.PHP_CGI;
            program = fpm.orElseGet(cgi::get);
        } else if (kind != Kind.COMMAND) {
            Optional<Path> found = config.command() != null
                    ? Optional.of(Programs.resolve(config.command()))
                    : kind == Kind.PHP_FPM ? Programs.phpFpm() : Programs.phpCgi();
            program = found.orElseThrow(() -> new IllegalArgumentException(
                    "managedBackend=" + config.kind().paramValue()
                            + " but no " + config.kind().paramValue()
                            + " on PATH or in /usr/sbin, /usr/bin: install it or name it in backendCommand"));
        }
        return Optional.of(new ManagedBackend(config, kind, program, name));
    }

    /** Where the server listens: the proxy's {@code backend}. */
    public BackendAddress address() {
        return address;
    }

    /** What runs: php-fpm, php-cgi or command ({@code auto} resolved). */
    public Kind kind() {
        return kind;
    }

    /** The command line, for log lines. */
    public String command() {
        return String.join(" ", plan.argv());
    }

    /** The private directory, removed by {@link #close()}. */
    public Path directory() {
        return dir;
    }

    /** The connections the proxy may open to it. */
    public int poolSize() {
        return config.poolSize();
    }

    /** The running server's pid (php-fpm's master), or -1 while none runs. */
    public long pid() {
        ChildProcess p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** The pids of the server and its workers now. */
    public List<Long> pids() {
        ChildProcess p = process;
        return p == null ? List.of() : p.pids();
    }

    /** The exit status of the server's last exit, or -1 if it has not exited (or was killed unknown). */
    public int lastExitStatus() {
        return lastExitStatus;
    }

    /** When the server last exited, in epoch milliseconds, or 0 if it has not. */
    public long lastExitMillis() {
        return lastExitMillis;
    }

    /** How many times the supervisor has started the server again. */
    public int restarts() {
        return restarts;
    }

    /**
     * Starts the server and waits until it accepts connections, then the supervisor.
     *
     * @throws BackendStartException if it exits or is not listening within {@code backendStartTimeout};
     *     then nothing is left running and the directory is removed
     */
    public synchronized void start() throws BackendStartException {
        if (supervisor != null || closed) {
            throw new IllegalStateException("started already, or closed");
        }
        try {
            for (Map.Entry<String, String> file : plan.files().entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            launchAndAwait();
        } catch (IOException e) {
            close();
            throw e instanceof BackendStartException b ? b : new BackendStartException(failure(e.toString()), e);
        } catch (RuntimeException | Error e) {
            close(); // whatever went wrong, nothing started here keeps running
            throw e;
        }
        if (ChildProcess.jvmRunsAsRoot()) {
            LOG.log(
                    Level.WARNING,
                    "{0}: the JVM runs as root, so {1} runs the application as root too; run the container"
                            + " as an unprivileged user",
                    name,
                    kind == Kind.COMMAND ? "the command" : kind.paramValue());
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        supervisor = new Thread(this::supervise, "gatehouse-backend-" + name);
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void launchAndAwait() throws IOException {
        if (address instanceof BackendAddress.Unix unix) {
            Files.deleteIfExists(unix.path()); // a stale socket of the last run
        }
        stdout = StderrRelay.perServer(LOG, name);
        stderr = StderrRelay.perServer(LOG, name);
        ChildProcess started = ChildProcess.start(plan.argv(), plan.environment(), dir, name, true);
        process = started;
        startedAt = System.nanoTime();
        long deadline = startedAt + config.startTimeout().toNanos();
        while (!accepts()) {
            relay(started);
            if (!started.isAlive()) {
                throw new BackendStartException(
                        failure("exited with status " + started.awaitExit(1, TimeUnit.SECONDS)));
            }
            if (System.nanoTime() - deadline > 0 || closed) {
                started.killTree();
                throw new BackendStartException(failure("not accepting connections at " + address + " within "
                        + config.startTimeout().toMillis() + " ms"));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        relay(started);
        tree = started.tree();
        LOG.log(Level.INFO, "{0}: {1} pid {2} listening at {3}", name, kind.paramValue(), started.pid(), address);
    }

    private boolean accepts() {
        try (SocketChannel probe = SocketChannel.open(address.socketAddress())) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String failure(String what) {
        List<String> lines = new ArrayList<>(stderr == null ? List.of() : stderr.tail());
        if (stdout != null) {
            lines.addAll(stdout.tail());
        }
        return "managed backend '" + command() + "' " + what
                + (lines.isEmpty() ? " (it wrote nothing)" : "; its last lines:\n  " + String.join("\n  ", lines));
    }

    /** The supervisor: relays output, notices an exit, restarts with backoff; ends on close. */
    private void supervise() {
        long treeAt = System.nanoTime();
        while (!closed) {
            ChildProcess current = process;
            relay(current);
            if (!current.isAlive()) {
                restartAfterExit(current);
                continue;
            }
            if (System.nanoTime() - treeAt > TREE_EVERY_NANOS) {
                tree = current.tree(); // to find workers a killed master leaves behind
                treeAt = System.nanoTime();
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void restartAfterExit(ChildProcess dead) {
        Integer status = dead.awaitExit(1, TimeUnit.SECONDS);
        lastExitStatus = status == null ? -1 : status;
        lastExitMillis = System.currentTimeMillis();
        relay(dead);
        stdout.finish();
        stderr.finish();
        if (closed) {
            return;
        }
        Duration lasted = Duration.ofNanos(System.nanoTime() - startedAt);
        Duration delay = backoff.after(lasted);
        LOG.log(
                Level.WARNING,
                "{0}: managed backend pid {1} exited with status {2} after {3} ms; starting it again in {4} ms",
                name,
                dead.pid(),
                status,
                lasted.toMillis(),
                delay.toMillis());
        killLeftovers(dead);
        LockSupport.parkNanos(delay.toNanos()); // close() unparks
        if (closed) {
            return;
        }
        try {
            launchAndAwait();
            restarts++;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: restart failed: {1}", name, e.getMessage());
            ChildProcess failed = process;
            if (failed != null) {
                failed.killTree(); // the next turn of the loop sees it dead and backs off further
            }
        }
    }

    /**
     * Kills what the dead server left: its process group (the workers of a killed php-fpm master
     * live on in it, re-parented, serving the old socket) and every process of the last tree
     * snapshot that still runs (one that left the group); waits until they are gone.
     */
    private void killLeftovers(ChildProcess dead) {
        dead.close();
        for (ProcessHandle h : tree) {
            h.destroyForcibly();
        }
        awaitGone(dead, tree);
    }

    private void relay(ChildProcess p) {
        stdout.drain(p.stdout());
        stderr.drain(p.stderr());
    }

    /**
     * Stops the server: SIGTERM, up to {@code backendStopTimeout} for it to exit, then SIGKILL to
     * its process group and tree; removes the directory. Idempotent; safe from the shutdown hook.
     */
    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
        }
        if (!first) {
            awaitClose();
            return;
        }
        try {
            stopAndRemove();
        } finally {
            closeDone.countDown();
        }
    }

    /**
     * A close already runs on another thread, typically the JVM shutdown hook: waits, bounded, for
     * it to finish. Why: when the application stops its container from a shutdown hook of its own
     * (an embedded Tomcat, a Spring Boot context), both hooks run at once, and the servlet's
     * {@code destroy()} would otherwise return at once, letting the container stop the web
     * application's class loader while this backend's hook still runs on classes it has not
     * loaded yet: Tomcat's loader then refuses even {@code java.*} classes, and the hook died with
     * {@code NoClassDefFoundError: java/nio/file/FileVisitOption}, leaving the directory behind.
     * Called from the hook itself while {@code destroy()} closes, it waits the same way, which
     * only delays the JVM's exit by what the stop takes anyway.
     */
    private void awaitClose() {
        if (closeDone.getCount() == 0) {
            return; // the common case, and the hook's after destroy(): touch nothing more
        }
        long bound = config.startTimeout().toMillis() + config.stopTimeout().toMillis() + 5000;
        try {
            if (!closeDone.await(bound, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "{0}: the backend''s stop on another thread did not end in {1} ms", name, bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAndRemove() {
        Thread s = supervisor;
        if (s != null) {
            LockSupport.unpark(s);
            try {
                s.join(config.startTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ChildProcess p = process;
        if (p != null) {
            try {
                stop(p);
            } finally {
                p.close(); // SIGKILL to the group and tree, whatever stop() met
            }
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran already
            }
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: cannot remove {1}: {2}", name, dir, e.getMessage());
        }
    }

    private void stop(ChildProcess p) {
        List<ProcessHandle> workers = p.tree();
        Integer status = null;
        if (p.isAlive()) {
            p.terminate();
            try {
                status = p.waitFor(config.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (stdout != null) {
            relay(p);
            stdout.finish();
            stderr.finish();
        }
        p.close(); // SIGKILL to what is left of the group and tree
        workers.forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        List<ProcessHandle> all = new ArrayList<>(workers);
        all.addAll(tree);
        awaitGone(p, all);
        LOG.log(
                Level.INFO,
                "{0}: managed backend pid {1} stopped{2}",
                name,
                p.pid(),
                status == null ? " (killed)" : ", status " + status);
    }

    /**
     * Waits, bounded, until {@code p}'s process group is empty and none of {@code others} runs
     * ({@link ChildProcess#awaitGone}): a worker still holding the listening socket would answer
     * the next start's probe.
     */
    private static void awaitGone(ChildProcess p, List<ProcessHandle> others) {
        List<Long> left = p.awaitGone(others, REAP_NANOS, TimeUnit.NANOSECONDS);
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, "{0} of pid {1} still has members {2} after SIGKILL", p.group(), p.pid(), left);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static BackendAddress address(Listen listen, Path dir) throws IOException {
        if (listen == Listen.TCP) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return new BackendAddress.Tcp("127.0.0.1", s.getLocalPort());
            }
        }
        Path socket = dir.resolve("fcgi.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("the socket path " + socket
                    + " is too long for a Unix socket: set java.io.tmpdir shorter or backendListen=tcp");
        }
        return new BackendAddress.Unix(socket);
    }
}
