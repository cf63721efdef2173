package dev.gatehouse.fastcgi.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Kind;
import dev.gatehouse.fastcgi.testing.FastCgiProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real php-fpm and a real php-cgi run as managed backends: they serve a script, come back
 * after the master is killed, and leave no process and no directory when closed.
 */
class ManagedBackendTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Duration GONE_LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path www;

    private ManagedBackend backend;

    /** The backend's processes a test saw, killed afterwards if still running, so a failure leaks none. */
    private final List<Long> seen = new ArrayList<>();

    private final Instant testStart = Instant.now().minusSeconds(2); // start instants are a second coarse

    @BeforeEach
    void script() throws IOException {
        Files.writeString(www.resolve("hello.php"), "<?php echo 'hello from ', php_sapi_name(), ' ', getenv('APP');");
    }

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
        for (long pid : seen) {
            ProcessHandle.of(pid)
                    .filter(p -> p.info()
                            .startInstant()
                            .map(s -> !s.isBefore(testStart))
                            .orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private ManagedBackend start(Map<String, String> params) throws IOException {
        Map<String, String> all = new HashMap<>(params);
        all.putIfAbsent("backendChildren", "2");
        backend = ManagedBackend.prepare(ManagedBackendConfig.parse(all::get), "test")
                .orElseThrow();
        backend.start();
        return backend;
    }

    private String hello() throws IOException {
        Path script = www.resolve("hello.php");
        FastCgiProbe.Response response = FastCgiProbe.request(
                backend.address().socketAddress(),
                FastCgiProbe.params(Map.of(
                        "GATEWAY_INTERFACE", "CGI/1.1",
                        "REQUEST_METHOD", "GET",
                        "SCRIPT_FILENAME", script.toString(),
                        "SCRIPT_NAME", "/hello.php",
                        "QUERY_STRING", "",
                        "SERVER_PROTOCOL", "HTTP/1.1",
                        "REDIRECT_STATUS", "200")),
                new byte[0],
                LIMIT);
        assertTrue(FastCgiProbe.completed(response), response.toString());
        return response.body();
    }

    @ParameterizedTest
    @CsvSource({"php-fpm,unix,fpm-fcgi", "php-fpm,tcp,fpm-fcgi", "php-cgi,unix,cgi-fcgi", "php-cgi,tcp,cgi-fcgi"})
    void servesIsRestartedAfterKill9AndLeavesNothing(String kind, String listen, String sapi) throws Exception {
        start(Map.of("managedBackend", kind, "backendListen", listen, "backendEnv", "APP=managed"));
        assertEquals("hello from " + sapi + " managed", hello());
        long master = backend.pid();
        List<Long> first = backend.pids();
        seen.addAll(first);
        assertEquals(3, first.size(), "a master and two workers: " + first);
        Path dir = backend.directory();
        assertTrue(Files.isDirectory(dir));

        ProcessHandle.of(master).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (backend.restarts() < 1 || backend.pid() < 0) {
            assertTrue(System.nanoTime() < deadline, "not restarted within " + LIMIT);
            Thread.sleep(20);
        }
        assertNotEquals(master, backend.pid());
        assertEquals("hello from " + sapi + " managed", hello());
        for (long old : first) {
            awaitGone(old, "old process " + old + " was killed with its master");
        }

        List<Long> second = backend.pids();
        seen.addAll(second);
        backend.close();
        for (long pid : second) {
            awaitGone(pid, "process " + pid + " left behind");
        }
        assertFalse(Files.exists(dir), dir + " removed");
        assertEquals(-1, backend.pid());
    }

    /**
     * The root cause of workers outliving their master: once the master is dead, nothing the
     * supervisor can walk leads to its group's other members, and they went on serving the old
     * socket. Each kind is started through a wrapper that first leaves a helper process in the
     * group, outside the master's process tree (as a worker forked after the supervisor's last
     * look at the tree would be): it must be gone after the master is killed and the backend has
     * restarted, and the new one after close().
     */
    @ParameterizedTest
    @CsvSource({"php-fpm,unix", "php-fpm,tcp", "php-cgi,unix", "php-cgi,tcp", "command,unix", "command,tcp"})
    void killsTheWholeProcessGroupOfAMasterThatDied(String kind, String listen) throws Exception {
        String program =
                switch (kind) {
                    case "php-fpm" -> Programs.phpFpm().orElseThrow() + " \"$@\"";
                    case "php-cgi" -> Programs.phpCgi().orElseThrow() + " \"$@\"";
                    default -> Programs.phpCgi().orElseThrow() + " -b \"$1\"";
                };
        Path wrapper = www.resolve("wrapper.sh");
        Files.writeString(
                wrapper,
                "#!/bin/sh\n"
                        + "sh -c 'sleep 300 >/dev/null 2>&1 & echo $! > helper.pid'\n" // cwd: the private dir
                        + "exec " + program + "\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        start(Map.of(
                "managedBackend", kind,
                "backendListen", listen,
                "backendCommand", kind.equals("command") ? wrapper + " {address}" : wrapper.toString()));
        assertTrue(hello().startsWith("hello from "));
        long helper = awaitPid(backend.directory().resolve("helper.pid"));
        assertTrue(alive(helper), "the helper runs in the group");
        assertFalse(backend.pids().contains(helper), "and is outside the master's tree");

        long master = backend.pid();
        Files.delete(backend.directory().resolve("helper.pid"));
        ProcessHandle.of(master).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (backend.restarts() < 1 || backend.pid() < 0) {
            assertTrue(System.nanoTime() < deadline, "not restarted within " + LIMIT);
            Thread.sleep(20);
        }
        awaitGone(helper, "helper of the killed master's group");
        assertTrue(hello().startsWith("hello from "));

        long second = awaitPid(backend.directory().resolve("helper.pid"));
        assertTrue(alive(second));
        backend.close();
        awaitGone(second, "helper of the stopped backend's group");
    }

    private static long awaitPid(Path file) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            String text = Files.exists(file) ? Files.readString(file).strip() : "";
            if (!text.isEmpty()) {
                return Long.parseLong(text);
            }
            assertTrue(System.nanoTime() < deadline, "no pid in " + file + " within " + LIMIT);
            Thread.sleep(20);
        }
    }

    @Test
    void aCommandThatExitsFailsTheStartWithItsOutput() throws IOException {
        BackendStartException e = assertThrows(
                BackendStartException.class,
                () -> start(Map.of(
                        "managedBackend",
                        "command",
                        "backendCommand",
                        "sh -c 'echo no such server {address} >&2; exit 3'")));
        assertTrue(e.getMessage().contains("managed backend 'sh -c echo no such server"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("no such server /"), e.getMessage());
        assertFalse(Files.exists(backend.directory()));
        backend = null;
    }

    @Test
    void aCommandThatNeverListensTimesOutAndIsKilled() throws IOException {
        Map<String, String> params = Map.of(
                "managedBackend", "command",
                "backendCommand", "sh -c 'sleep 60' {address}",
                "backendStartTimeout", "500ms");
        BackendStartException e = assertThrows(BackendStartException.class, () -> start(params));
        assertTrue(e.getMessage().contains("not accepting connections at unix:/"), e.getMessage());
        assertTrue(e.getMessage().contains("within 500 ms"), e.getMessage());
        assertEquals(List.of(), backend.pids());
        backend = null;
    }

    /**
     * Issue 13 item 2: the container stops the application from a JVM shutdown hook of its own
     * (an embedded Tomcat, a Spring Boot context) while this backend's hook closes it too. The
     * servlet's {@code destroy()} then calls {@code close()} while the hook's close is stopping
     * the server; it must return only once the server is gone and the directory removed, because
     * the container stops the web application's class loader as soon as {@code destroy()}
     * returns, and the hook could then no longer load a class (it died with {@code
     * NoClassDefFoundError: java/nio/file/FileVisitOption}, leaving the directory behind). The
     * server here ignores SIGTERM and notes it in a file, so the hook's close is certainly waiting
     * out {@code backendStopTimeout} when the second close begins.
     */
    @Test
    void aCloseWhileTheHooksCloseRunsReturnsOnlyOnceTheBackendIsGone() throws Exception {
        Path termSeen = www.resolve("term-seen");
        start(Map.of(
                "managedBackend",
                "command",
                "backendCommand",
                "perl -MIO::Socket::UNIX -e '$SIG{TERM} = sub { open my $f, \">\", $ARGV[1] };"
                        + " my $s = IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 5) or die $!;"
                        + " sleep 1 while 1' {address} "
                        + termSeen,
                "backendStopTimeout",
                "5s"));
        long pid = backend.pid();
        seen.add(pid);
        Thread hook = new Thread(backend::close, "gatehouse-backend-stop-test");
        hook.start();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(termSeen)) {
            assertTrue(System.nanoTime() < deadline, "the hook's close sent no SIGTERM");
            Thread.sleep(20);
        }

        backend.close(); // the servlet's destroy()

        assertFalse(alive(pid), "the server still runs when close() returned");
        assertFalse(Files.exists(backend.directory()), "the directory is still there when close() returned");
        hook.join(LIMIT.toMillis());
        assertFalse(hook.isAlive());
    }

    @Test
    void autoPrefersPhpFpm() throws IOException {
        backend = ManagedBackend.prepare(ManagedBackendConfig.parse(Map.of("managedBackend", "auto")::get), "t")
                .orElseThrow();
        assertEquals(Kind.PHP_FPM, backend.kind());
        assertTrue(backend.command().contains("php-fpm"), backend.command());
    }

    @Test
    void aMissingProgramIsNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ManagedBackend.prepare(
                        ManagedBackendConfig.parse(
                                Map.of("managedBackend", "php-cgi", "backendCommand", "php-cgi-nonesuch")::get),
                        "t"));
        assertTrue(e.getMessage().contains("no executable php-cgi-nonesuch"), e.getMessage());
    }

    /**
     * Polls until {@code pid} is gone: a SIGKILL takes effect asynchronously, so a single check
     * right after the kill (or the restart it caused) races the kernel.
     */
    private static void awaitGone(long pid, String what) throws InterruptedException {
        long deadline = System.nanoTime() + GONE_LIMIT.toNanos();
        while (alive(pid)) {
            assertTrue(System.nanoTime() < deadline, what + ": still running " + GONE_LIMIT.toSeconds() + " s later");
            Thread.sleep(20);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
