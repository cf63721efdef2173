package dev.gatehouse.servlet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: environment, directory and argv as given, and the kill of the whole tree. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChildProcessTest {

    /** How long a killed process may take to go, generous for a loaded machine. */
    private static final long GONE_SECONDS = 15;

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    /** Processes a test started, killed afterwards whatever the outcome, so no sleep outlives it. */
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private Path script(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private ChildProcess start(List<String> argv, Map<String, String> env) throws IOException {
        return start(argv, env, false);
    }

    private ChildProcess start(List<String> argv, Map<String, String> env, boolean processGroup) throws IOException {
        ChildProcess p = ChildProcess.start(argv, env, dir, "test", processGroup);
        started.add(p.pid());
        return p;
    }

    private static BufferedReader lines(ChildProcess p) {
        return new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
    }

    /**
     * Polls until the process is gone. A killed child whose parent died too is re-parented to
     * PID 1 and stays a zombie until PID 1 reaps it, which some container inits do late or never;
     * ProcessHandle reports a zombie as alive, so the zombie state counts as gone here: the process
     * has ended, only its exit status is uncollected.
     */
    private static void assertGone(long pid, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GONE_SECONDS);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid)) {
            if (System.nanoTime() > deadline) {
                fail(what + " (pid " + pid + ") still alive after " + GONE_SECONDS + " s");
            }
            Thread.sleep(10);
        }
    }

    /** proc(5): the state is the field after the parenthesised command name. */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false; // gone meanwhile, or no /proc: ProcessHandle decides
        }
    }

    private static long readPid(BufferedReader out) throws IOException {
        String line = out.readLine();
        assertNotNull(line, "script printed its child's pid");
        return Long.parseLong(line.strip());
    }

    @Test
    void killTreeKillsTheScriptAndItsChild() throws Exception {
        Path file = script("tree.sh", "#!/bin/sh\nsleep 30 &\necho $!\nwait\n");
        ChildProcess p = start(List.of(file.toString()), ENV);
        long child = readPid(lines(p));
        started.add(child);
        assertEquals(
                p.pid(),
                ProcessHandle.of(child).orElseThrow().parent().orElseThrow().pid(),
                "the sleep is the script's child");
        assertTrue(p.isAlive());

        p.killTree();

        assertGone(child, "child");
        assertGone(p.pid(), "script");
        // gone above counts a zombie; isAlive turns false only once the JVM has reaped it
        long reaped = System.nanoTime() + TimeUnit.SECONDS.toNanos(GONE_SECONDS);
        while (p.isAlive() && System.nanoTime() < reaped) {
            Thread.sleep(10);
        }
        assertFalse(p.isAlive(), "script reaped within " + GONE_SECONDS + " s");
        assertEquals(128 + 9, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS), "script ended by SIGKILL");
        p.killTree(); // idempotent
        p.close();
    }

    @Test
    void killTreeKillsAGrandchild() throws Exception {
        Path file = script("deep.sh", "#!/bin/sh\nsh -c 'sleep 30 & echo $!; wait' &\nwait\n");
        ChildProcess p = start(List.of(file.toString()), ENV);
        long grandchild = readPid(lines(p));
        started.add(grandchild);
        long middle = ProcessHandle.of(grandchild)
                .orElseThrow()
                .parent()
                .orElseThrow()
                .pid();
        started.add(middle);
        assertEquals(
                p.pid(),
                ProcessHandle.of(middle).orElseThrow().parent().orElseThrow().pid());

        p.killTree();

        assertGone(grandchild, "grandchild");
        assertGone(middle, "child");
        assertGone(p.pid(), "script");
    }

    @Test
    void closeKillsARunningTree() throws Exception {
        Path file = script("tree.sh", "#!/bin/sh\nsleep 30 &\necho $!\nwait\n");
        ChildProcess p = start(List.of(file.toString()), ENV);
        long child = readPid(lines(p));
        started.add(child);

        p.close();

        assertGone(child, "child");
        assertGone(p.pid(), "script");
    }

    /**
     * A script that exits and leaves a background child: the child is re-parented, so no
     * descendants walk finds it; with a process group of its own (setsid) the kill still does.
     */
    @Test
    void killTreeKillsAChildLeftBehindByAScriptThatExitedWhenItLeadsAProcessGroup() throws Exception {
        assertTrue(ChildProcess.processGroupsAvailable(), "setsid(1) is installed (util-linux)");
        Path file = script("orphan.sh", "#!/bin/sh\nsleep 30 &\necho $!\n");
        ChildProcess p = start(List.of(file.toString()), ENV, true);
        long child = readPid(lines(p));
        started.add(child);
        assertEquals(0, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS), "the script itself exits");
        assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "its child lives on");

        p.killTree();

        assertGone(child, "child left behind by the script");
    }

    /**
     * The end of every request: a script that exited and left a background child in its group
     * (one that does not hold stdout, so the response completed) — close() must still reach
     * the child, though the leader is gone and no descendants walk finds it.
     */
    @Test
    void closeKillsWhatIsLeftOfTheGroupOfAScriptThatExited() throws Exception {
        assertTrue(ChildProcess.processGroupsAvailable(), "setsid(1) is installed (util-linux)");
        Path file = script("bg.sh", "#!/bin/sh\nsleep 30 >/dev/null 2>&1 &\necho $!\n");
        ChildProcess p = start(List.of(file.toString()), ENV, true);
        long child = readPid(lines(p));
        started.add(child);
        assertEquals(0, p.waitFor(5, TimeUnit.SECONDS), "the script itself exits");
        assertFalse(p.isAlive());
        assertEquals(List.of(child), p.group().members(), "the child is the group's last member");

        p.close();

        assertGone(child, "child left behind in the group");
        assertEquals(List.of(), p.group().members());
    }

    /** Killed from outside (kill -9 of a php-fpm master): its workers live on in the group. */
    @Test
    void closeKillsTheGroupOfALeaderKilledFromOutside() throws Exception {
        Path file = script("master.sh", "#!/bin/sh\nsleep 30 &\nsleep 30 &\necho $!\nwait\n");
        ChildProcess p = start(List.of(file.toString()), ENV, true);
        long worker = readPid(lines(p));
        started.add(worker);
        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
        assertEquals(128 + 9, p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(
                2,
                p.group().members().size(),
                "two workers outlive their master: " + p.group().members());

        p.close();

        assertGone(worker, "worker of the killed leader");
        assertTrue(
                p.group().awaitEmpty(5, TimeUnit.SECONDS),
                "group empty: " + p.group().members());
    }

    /**
     * What a managed backend does after its master died (formerly fastcgi.managed.ProcessTrees):
     * a tree snapshot taken while it ran, the exit status without an InterruptedException, and a
     * bounded wait until the killed group and the snapshot are gone.
     */
    @Test
    void awaitGoneWaitsUntilTheKilledGroupAndTheSnapshotAreGone() throws Exception {
        assertTrue(ChildProcess.processGroupsAvailable(), "setsid(1) is installed (util-linux)");
        Path file = script("server.sh", "#!/bin/sh\nsleep 30 &\necho $!\nwait\n");
        ChildProcess p = start(List.of(file.toString()), ENV, true);
        long worker = readPid(lines(p));
        started.add(worker);
        List<ProcessHandle> tree = p.tree();
        assertEquals(
                List.of(p.pid(), worker), tree.stream().map(ProcessHandle::pid).toList(), "program first");
        assertNull(p.awaitExit(10, TimeUnit.MILLISECONDS), "still running");

        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
        assertEquals(128 + 9, p.awaitExit(5, TimeUnit.SECONDS));
        p.close();

        assertEquals(List.of(), p.awaitGone(tree, GONE_SECONDS, TimeUnit.SECONDS), "no member left");
        for (ProcessHandle h : tree) {
            assertFalse(ProcessGroup.running(h.pid()), "pid " + h.pid() + " gone when awaitGone returns");
        }
    }

    @Test
    void awaitExitKeepsAnInterruptAndAnswersNull() throws Exception {
        ChildProcess p = start(List.of("/bin/sh", "-c", "exec sleep 30"), ENV);
        Thread.currentThread().interrupt();
        try {
            assertNull(p.awaitExit(5, TimeUnit.SECONDS));
            assertTrue(Thread.interrupted(), "the interrupt is still set (and cleared here)");
        } finally {
            p.close();
        }
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("QUERY_STRING", "a=1&b=two words");
        env.put("HTTP_X_EMPTY", "");
        ChildProcess p = start(List.of("/usr/bin/env"), env);
        List<String> lines = new ArrayList<>(lines(p).lines().toList());
        lines.sort(null);
        assertEquals(List.of("GATEWAY_INTERFACE=CGI/1.1", "HTTP_X_EMPTY=", "QUERY_STRING=a=1&b=two words"), lines);
        assertEquals(0, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS));
        p.close();
    }

    @Test
    void runsInTheGivenDirectory() throws Exception {
        ChildProcess p = start(List.of("/bin/pwd", "-P"), Map.of());
        assertEquals(dir.toRealPath().toString(), lines(p).readLine());
        assertEquals(0, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS));
        p.close();
    }

    @Test
    void argumentsArePassedVerbatim() throws Exception {
        List<String> args = List.of("a b", "\"quoted\"", "'single'", "$HOME", "${x}", "back\\slash", "*", "");
        List<String> argv =
                new ArrayList<>(List.of("/bin/sh", "-c", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", "sh"));
        argv.addAll(args);
        ChildProcess p = start(argv, ENV);
        assertEquals(
                args.stream().map(a -> "[" + a + "]").toList(), lines(p).lines().toList());
        assertEquals(0, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS));
        p.close();
    }

    @Test
    void streamsAndExitStatus() throws Exception {
        ChildProcess p = start(List.of("/bin/sh", "-c", "cat; echo oops >&2; exit 3"), ENV);
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'b');
        try (OutputStream in = p.stdin()) {
            in.write(body);
        }
        assertArrayEqualsLength(body, p.stdout().readAllBytes());
        assertEquals("oops\n", new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(3, p.waitFor(GONE_SECONDS, TimeUnit.SECONDS));
        assertEquals("test", p.name());
        p.close();
    }

    private static void assertArrayEqualsLength(byte[] expected, byte[] actual) {
        assertEquals(expected.length, actual.length);
        assertTrue(Arrays.equals(expected, actual), "same bytes");
    }

    @Test
    void waitForReturnsNullWhileRunning() throws Exception {
        ChildProcess p = start(List.of("/bin/sh", "-c", "exec sleep 30"), ENV);
        assertNull(p.waitFor(20, TimeUnit.MILLISECONDS));
        assertTrue(p.isAlive());
        p.close();
        assertGone(p.pid(), "script");
    }

    @Test
    void missingProgramFailsToStart() {
        assertThrows(
                IOException.class,
                () -> ChildProcess.start(List.of(dir.resolve("missing").toString()), ENV, dir, "test", false));
    }
}
