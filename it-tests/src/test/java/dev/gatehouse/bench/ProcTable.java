package dev.gatehouse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The processes of this machine as {@code /proc} shows them: pid, parent, process group, state
 * and command line. A zombie (state Z) counts as gone: it holds nothing but its pid, and on
 * machines whose PID 1 does not reap orphans a killed orphan stays one.
 */
final class ProcTable {

    /** One process. {@code cmdline} has its arguments joined by blanks. */
    record Proc(long pid, long ppid, long pgid, char state, String cmdline) {

        boolean running() {
            return state != 'Z' && state != 'X';
        }

        @Override
        public String toString() {
            return pid + " [pgid " + pgid + ", " + state + "] " + cmdline;
        }
    }

    private ProcTable() {}

    /** Every process, read now; one that exits while being read is left out. */
    static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                Proc p = read(dir);
                if (p != null) {
                    procs.add(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e, e);
        }
        return procs;
    }

    /** The process {@code pid}, or null when there is none. */
    static Proc of(long pid) {
        return read(Path.of("/proc", Long.toString(pid)));
    }

    /**
     * The running (not zombie) processes, other than this JVM, that are in one of {@code pgids},
     * are one of {@code pids}, or whose command line contains one of {@code markers}.
     */
    static List<Proc> running(Collection<Long> pgids, Collection<Long> pids, Collection<String> markers) {
        long self = ProcessHandle.current().pid();
        return all().stream()
                .filter(Proc::running)
                .filter(p -> p.pid() != self)
                .filter(p -> pgids.contains(p.pgid())
                        || pids.contains(p.pid())
                        || markers.stream().anyMatch(m -> p.cmdline().contains(m)))
                .toList();
    }

    /**
     * {@code procs} and their running descendants: a child of a leaked process may be in no group
     * of ours (a script run without {@code processGroup} shares the JVM's) and name nothing of ours.
     */
    static List<Proc> withDescendants(List<Proc> procs) {
        List<Proc> all = all();
        List<Proc> found = new ArrayList<>(procs);
        java.util.Set<Long> seen =
                new java.util.HashSet<>(procs.stream().map(Proc::pid).toList());
        for (int i = 0; i < found.size(); i++) {
            long parent = found.get(i).pid();
            for (Proc p : all) {
                if (p.ppid() == parent && p.running() && seen.add(p.pid())) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /** The running children of {@code parent}. */
    static List<Proc> children(long parent) {
        return all().stream()
                .filter(Proc::running)
                .filter(p -> p.ppid() == parent)
                .toList();
    }

    private static Proc read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) state ppid pgrp ...": comm may hold blanks and parentheses
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
            String cmdline =
                    new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return new Proc(
                    Long.parseLong(dir.getFileName().toString()),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    f[0].charAt(0),
                    cmdline);
        } catch (IOException | RuntimeException e) {
            return null; // exited meanwhile
        }
    }
}
