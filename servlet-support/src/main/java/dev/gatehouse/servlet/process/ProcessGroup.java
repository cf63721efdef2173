package dev.gatehouse.servlet.process;

import dev.gatehouse.servlet.JreLeaks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process group a started program leads (it was made a group leader with {@code setsid(1)}),
 * found and killed by its id through {@code /proc}, so that it can be ended <em>after its leader
 * has died</em>: a php-fpm master killed with SIGKILL leaves its workers running in its group,
 * re-parented to init and no longer descendants of anything the JVM knows; a CGI script that
 * exits may leave a background child behind in the same way.
 *
 * <p>A group id is safe to use after the leader exited: Linux does not hand out a pid while it is
 * still in use as a process-group id, so as long as a member of the group lives, no other process
 * can take the id. Once the group is empty the leader's pid may be recycled, perhaps as the
 * leader of a new group of the same id; that new leader is told apart by its start time, which
 * differs from the one recorded here at the start, and then nothing is killed.
 *
 * <p>Where there is no {@code /proc}, {@code kill(1)} signals the group instead. A process
 * exited but not yet reaped (a zombie: on some machines PID 1 never reaps orphans) counts as
 * gone: it holds no resource but its pid.
 */
public final class ProcessGroup {

    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
    /** Kill passes over the group: the later ones catch children forked while the first ran. */
    private static final int KILL_PASSES = 3;

    private final long id;
    private final long leaderStart;

    private ProcessGroup(long id, long leaderStart) {
        this.id = id;
        this.leaderStart = leaderStart;
    }

    /**
     * The group {@code leader} leads, recorded right after it started: its start time tells its
     * group from a later one that recycles its pid.
     */
    public static ProcessGroup ledBy(long leader) {
        Stat stat = HAS_PROC ? Stat.read(leader) : null;
        return new ProcessGroup(leader, stat == null ? -1 : stat.startTime());
    }

    /** A group whose leader started at {@code leaderStart} clock ticks after boot; for tests. */
    static ProcessGroup recorded(long id, long leaderStart) {
        return new ProcessGroup(id, leaderStart);
    }

    /** The group id: the leader's pid. */
    public long id() {
        return id;
    }

    /** The pids of the group's members that still run (not zombies), in no particular order. */
    public List<Long> members() {
        List<Long> members = new ArrayList<>();
        if (!HAS_PROC || recycled()) {
            return members;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                long pid = pid(entry.getFileName().toString());
                if (pid > 0) {
                    Stat stat = Stat.read(pid);
                    if (stat != null && stat.group() == id && stat.running()) {
                        members.add(pid);
                    }
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found is the answer
        }
        return members;
    }

    /**
     * Sends SIGKILL to every member of the group, leader or not, alive or dead. Does not wait for
     * them to die: see {@link #awaitEmpty}.
     */
    public void kill() {
        if (!HAS_PROC) {
            killWithKillCommand();
            return;
        }
        for (int pass = 0; pass < KILL_PASSES; pass++) {
            List<Long> members = members();
            if (members.isEmpty()) {
                return;
            }
            for (long pid : members) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Waits until no member of the group runs, up to {@code timeout}; kills again what it finds
     * (a member may have forked while being killed).
     *
     * @return whether the group is empty
     */
    public boolean awaitEmpty(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            List<Long> members = members();
            if (members.isEmpty()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            for (long pid : members) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Whether {@code pid} runs: it exists and is not a zombie. */
    public static boolean running(long pid) {
        if (!HAS_PROC) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        Stat stat = Stat.read(pid);
        return stat != null && stat.running();
    }

    /** Whether the leader's pid now names another process: the group id is no longer ours. */
    private boolean recycled() {
        Stat leader = Stat.read(id);
        return leader != null && leader.startTime() != leaderStart;
    }

    /** SIGKILL to the group where there is no /proc to list it; Java has no call for that. */
    private void killWithKillCommand() {
        try {
            ProcessBuilder command = new ProcessBuilder("kill", "-KILL", "--", "-" + id)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process kill = JreLeaks.startProcess(command::start);
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            // no kill(1) either: the caller's walk of the process tree is all there is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long pid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    @Override
    public String toString() {
        return "process group " + id;
    }

    /**
     * The fields of {@code /proc/PID/stat} (proc(5)) used here: the state (3rd), the process
     * group (5th) and the start time in clock ticks since boot (22nd). The command name, 2nd, is
     * in parentheses and may hold blanks and parentheses, so fields are counted from the last ')'.
     */
    record Stat(char state, long group, long startTime) {

        boolean running() {
            return state != 'Z' && state != 'X';
        }

        static Stat read(long pid) {
            String line;
            try {
                line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            } catch (NoSuchFileException gone) {
                return null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return parse(line);
        }

        static Stat parse(String line) {
            int end = line.lastIndexOf(')');
            if (end < 0) {
                return null;
            }
            String[] fields = line.substring(end + 2).split(" ");
            // after the command: state(3) ppid(4) pgrp(5) … starttime(22) → indexes 0, 2, 19
            if (fields.length < 20 || fields[0].isEmpty()) {
                return null;
            }
            try {
                return new Stat(fields[0].charAt(0), Long.parseLong(fields[2]), Long.parseLong(fields[19]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
