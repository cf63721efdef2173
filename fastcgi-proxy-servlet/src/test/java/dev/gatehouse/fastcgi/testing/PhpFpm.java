package dev.gatehouse.fastcgi.testing;

import dev.gatehouse.fastcgi.managed.PhpFpmConfig;
import dev.gatehouse.fastcgi.managed.Programs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real php-fpm (the one {@link Programs#phpFpm()} finds, as the managed backend would, or the
 * path in the system property {@code gatehouse.phpFpm}) for a test class. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PhpFpm fpm = new PhpFpm().maxChildren(2).script("hello.php", "<?php echo 'hello';");
 * }</pre>
 *
 * <p>The one php-fpm fixture of the project: the FastCGI client's tests use it, and
 * {@code it-tests} through this module's test-jar (package {@code dev.gatehouse.fastcgi.testing}).
 *
 * <p>It runs in the foreground ({@code -F}) without php.ini ({@code -n}), with {@code -R} when
 * the tests run as root, from a configuration written by the production {@link PhpFpmConfig} in a
 * temporary directory: two pools of
 * {@code pm = static} workers, {@link Pool#TCP} listening on 127.0.0.1 at a free port and
 * {@link Pool#UNIX} on a socket in the directory, each with {@code pm.status_path = /fpm-status},
 * an access log, {@code catch_workers_output = yes} and {@code expose_php} off (so STDOUT holds
 * only what a script sends). It is ready when both listeners accept a connection. Scripts go in
 * {@link #documentRoot()}. Closing it sends SIGTERM to the master, waits up to 10 s, then kills
 * the master and its workers by pid, and removes the directory.
 */
public final class PhpFpm implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** The status page path of both pools. */
    public static final String STATUS_PATH = "/fpm-status";

    private static final Duration START_LIMIT = Duration.ofSeconds(15);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(10);

    /** The two pools, one per kind of listener. */
    public enum Pool {
        TCP("tcp"),
        UNIX("unix");

        private final String poolName;

        Pool(String poolName) {
            this.poolName = poolName;
        }

        /** The pool's name in the configuration and on its status page. */
        public String poolName() {
            return poolName;
        }
    }

    private int maxChildren = 4;
    private boolean opcache;
    private final Map<String, String> scripts = new LinkedHashMap<>();
    private Path dir;
    private Path documentRoot;
    private Path socket;
    private InetSocketAddress address;
    private Process process;

    /** Workers per pool ({@code pm.max_children}); 4 unless set. */
    public PhpFpm maxChildren(int children) {
        if (children < 1) {
            throw new IllegalArgumentException("maxChildren must be at least 1: " + children);
        }
        this.maxChildren = children;
        return this;
    }

    /**
     * Loads and enables Zend OPcache ({@code -d zend_extension=opcache.so}, as php.ini would;
     * off unless set): scripts are compiled once per worker, as on a production server.
     */
    public PhpFpm opcache(boolean enabled) {
        this.opcache = enabled;
        return this;
    }

    /** A script written under the document root at start, e.g. {@code script("sub/env.php", "<?php ...")}. */
    public PhpFpm script(String relativePath, String source) {
        scripts.put(relativePath, source);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Starts php-fpm and waits until both pools accept connections. */
    public void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("php-fpm already started, pid " + process.pid());
        }
        Path binary = binary();
        dir = Files.createTempDirectory("gatehouse-php-fpm");
        documentRoot = Files.createDirectories(dir.resolve("www")).toRealPath();
        socket = dir.resolve("php-fpm.sock");
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        Path config = Files.writeString(dir.resolve("php-fpm.conf"), config());
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-F", "-n", "-y", config.toString()));
        if (runningAsRoot()) {
            command.add("-R");
        }
        if (opcache) {
            command.addAll(List.of("-d", "zend_extension=opcache.so", "-d", "opcache.enable=1"));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.log").toFile())
                .start();
        awaitListening(address);
        awaitListening(UnixDomainSocketAddress.of(socket));
        for (Map.Entry<String, String> script : scripts.entrySet()) {
            writeScript(script.getKey(), script.getValue());
        }
    }

    private String config() {
        List<PhpFpmConfig.Pool> pools = new ArrayList<>();
        for (Pool pool : Pool.values()) {
            String listen = pool == Pool.TCP
                    ? address.getAddress().getHostAddress() + ":" + address.getPort()
                    : socket.toString();
            Map<String, String> directives = PhpFpmConfig.staticPool(listen, maxChildren, 0);
            directives.put("pm.status_path", STATUS_PATH);
            directives.put("access.log", accessLogFile(pool).toString());
            directives.put("php_admin_flag[expose_php]", "off");
            directives.put("security.limit_extensions", ".php");
            pools.add(new PhpFpmConfig.Pool(pool.poolName(), directives));
        }
        return new PhpFpmConfig(
                        PhpFpmConfig.foreground(
                                dir.resolve("php-fpm.pid"), errorLogFile().toString()),
                        pools)
                .render();
    }

    /** The TCP pool's address on 127.0.0.1. */
    public InetSocketAddress address() {
        requireStarted();
        return address;
    }

    /** The Unix-socket pool's socket. */
    public Path socketPath() {
        requireStarted();
        return socket;
    }

    /** The listener of a pool. */
    public SocketAddress listener(Pool pool) {
        return pool == Pool.TCP ? address() : UnixDomainSocketAddress.of(socketPath());
    }

    /** The directory tests write scripts into (a real path). */
    public Path documentRoot() {
        requireStarted();
        return documentRoot;
    }

    /** Writes a script under the document root, creating directories; returns its path. */
    public Path writeScript(String relativePath, String source) throws IOException {
        Path file = documentRoot().resolve(relativePath).normalize();
        if (!file.startsWith(documentRoot)) {
            throw new IllegalArgumentException("outside the document root: " + relativePath);
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, source);
    }

    /** The master's pid. */
    public long pid() {
        requireStarted();
        return process.pid();
    }

    /** The pids of the master and its live workers. */
    public List<Long> pids() {
        requireStarted();
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
    }

    /** php-fpm's own log: start, stop, and workers' output ({@code catch_workers_output}). */
    public String errorLog() throws IOException {
        return read(errorLogFile());
    }

    /** A pool's access log, one line per request. */
    public String accessLog(Pool pool) throws IOException {
        return read(accessLogFile(pool));
    }

    /**
     * A pool's status page ({@code pm.status_path}), fetched with a FastCGI request of its own
     * (which php-fpm counts as an accepted connection).
     */
    public Status status(Pool pool) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("GATEWAY_INTERFACE", "CGI/1.1");
        params.put("REQUEST_METHOD", "GET");
        params.put("SCRIPT_NAME", STATUS_PATH);
        params.put("SCRIPT_FILENAME", STATUS_PATH);
        params.put("QUERY_STRING", "");
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        FastCgiProbe.Response response =
                FastCgiProbe.request(listener(pool), FastCgiProbe.params(params), new byte[0], REQUEST_LIMIT);
        if (!FastCgiProbe.completed(response)) {
            throw new AssertionError("status page of pool " + pool.poolName() + " failed: " + response);
        }
        return Status.parse(response.body());
    }

    /**
     * php-fpm's status page: {@code pool}, {@code process manager}, {@code accepted conn},
     * {@code idle processes}, {@code active processes}, {@code total processes},
     * {@code max children reached} and more, as their plain-text lines give them.
     */
    public record Status(Map<String, String> fields) {
        static Status parse(String body) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : body.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(
                            line.substring(0, colon).strip(),
                            line.substring(colon + 1).strip());
                }
            }
            return new Status(Map.copyOf(fields));
        }

        public String value(String field) {
            String value = fields.get(field);
            if (value == null) {
                throw new AssertionError("no '" + field + "' on the status page: " + fields);
            }
            return value;
        }

        public long count(String field) {
            return Long.parseLong(value(field));
        }
    }

    /** Stops php-fpm: SIGTERM, a bounded wait, then a kill of the master and its workers by pid. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        try {
            List<ProcessHandle> workers = process.descendants().toList();
            process.destroy(); // SIGTERM: php-fpm's master terminates its workers and exits
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle worker : workers) {
                worker.destroyForcibly();
            }
        } finally {
            process = null;
            deleteTree(dir);
        }
    }

    private void awaitListening(SocketAddress listener) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            try (SocketChannel probe = SocketChannel.open(listener)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    String exit = "php-fpm exited with status " + process.exitValue() + ": " + read(errorLogFile())
                            + read(dir.resolve("console.log"));
                    close();
                    throw new IllegalStateException(exit);
                }
                if (System.nanoTime() > deadline) {
                    String log = read(errorLogFile());
                    close();
                    throw new IllegalStateException(
                            "php-fpm not listening on " + listener + " within " + START_LIMIT.toSeconds() + " s: "
                                    + log,
                            notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    private Path errorLogFile() {
        return dir.resolve("error.log");
    }

    private Path accessLogFile(Pool pool) {
        return dir.resolve("access-" + pool.poolName() + ".log");
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("php-fpm is not running: register PhpFpm on a static field");
        }
    }

    /** The property's path, else what the managed backend would run ({@link Programs#phpFpm()}). */
    private static Path binary() {
        String configured = System.getProperty("gatehouse.phpFpm");
        Path binary = configured != null
                ? Path.of(configured)
                : Programs.phpFpm()
                        .orElseThrow(() -> new IllegalStateException("no php-fpm: install php-fpm (.ci/run does)"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: install php-fpm (.ci/run does)");
        }
        return binary;
    }

    /** A TCP port on 127.0.0.1 that nothing listens on right now (for "backend down" tests). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean runningAsRoot() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
