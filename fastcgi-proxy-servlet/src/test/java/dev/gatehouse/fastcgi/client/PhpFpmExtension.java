package dev.gatehouse.fastcgi.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real php-fpm (Debian's {@code /usr/sbin/php-fpm8.2}) for a test class: started in the
 * foreground before the class with a generated configuration in a temporary directory, two
 * pools of {@value #MAX_CHILDREN} static children each, one listening on 127.0.0.1 at a free
 * port and one on a Unix domain socket, and the PHP scripts the tests use. Stopped by its PID
 * after the class (SIGTERM, then forcibly with its children after a bounded wait). Register it
 * with {@code @RegisterExtension static final PhpFpmExtension FPM = new PhpFpmExtension();}.
 */
final class PhpFpmExtension implements BeforeAllCallback, AfterAllCallback {

    static final int MAX_CHILDREN = 4;
    static final int BIG_OUTPUT_BYTES = 10 * 1024 * 1024;
    private static final Path PHP_FPM = Path.of("/usr/sbin/php-fpm8.2");
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    /** The scripts, by file name. */
    private static final Map<String, String> SCRIPTS = Map.of(
            "hello.php", "<?php header('X-Pid: ' . getmypid()); echo 'hello ' . $_SERVER['NAME'];",
            "echo.php", "<?php header('Content-Type: application/octet-stream');"
                    + " fpassthru(fopen('php://input', 'rb'));",
            "sleep.php", "<?php usleep((int) ($_GET['ms'] ?? 1000) * 1000); echo 'slept';",
            "big.php", "<?php $line = str_repeat('0123456789abcdef', 64);"
                    + " for ($i = 0; $i < " + BIG_OUTPUT_BYTES / 1024 + "; $i++) { echo $line; }",
            "stderr.php", "<?php error_log('to stderr'); echo 'out';",
            "slowhello.php", "<?php usleep(10000); echo 'hello ' . $_SERVER['NAME'];");

    private Path dir;
    private Process process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gatehouse-php-fpm");
        for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
            Files.writeString(dir.resolve(script.getKey()), script.getValue());
        }
        port = freePort();
        Path config = dir.resolve("php-fpm.conf");
        Files.writeString(config, configuration());
        ProcessBuilder builder = new ProcessBuilder(PHP_FPM.toString(), "-F", "-n", "-y",
                config.toString());
        if ("root".equals(System.getProperty("user.name"))) {
            builder.command().add("-R");
        }
        process = builder.redirectErrorStream(true)
                .redirectOutput(dir.resolve("php-fpm.out").toFile())
                .start();
        awaitReady();
    }

    private String configuration() {
        String pool = """
                pm = static
                pm.max_children = %d
                pm.status_path = /status
                catch_workers_output = no
                """.formatted(MAX_CHILDREN);
        return "[global]\nerror_log = " + dir.resolve("php-fpm.log") + "\ndaemonize = no\n"
                + "[tcp]\nlisten = 127.0.0.1:" + port + "\n" + pool
                + "[unix]\nlisten = " + socket() + "\n" + pool;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        Path log = dir.resolve("php-fpm.log");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("php-fpm exited: " + Files.readString(
                        dir.resolve("php-fpm.out"), StandardCharsets.UTF_8));
            }
            if (Files.exists(log) && Files.readString(log).contains("ready to handle connections")
                    && Files.exists(socket())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("php-fpm not ready within " + START_WAIT);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(PhpFpmExtension::delete);
            }
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The pool listening on 127.0.0.1. */
    Backend tcp() {
        return Backend.parse("127.0.0.1:" + port);
    }

    /** The pool listening on the Unix domain socket. */
    Backend unix() {
        return Backend.parse("unix:" + socket());
    }

    private Path socket() {
        return dir.resolve("php-fpm.sock");
    }

    /** The absolute path of a script, for SCRIPT_FILENAME. */
    Path script(String name) {
        return dir.resolve(name);
    }

    /** The php-fpm master's PID. */
    long pid() {
        return process.pid();
    }
}
