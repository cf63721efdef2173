package dev.gatehouse.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One process's line of {@code /proc/<pid>/stat} (proc(5)): state, parent, process group,
 * session and start time (clock ticks since boot, which tells a recycled pid apart).
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long session, long startTicks) {

    /** The process's stat, or empty when it is gone (or there is no /proc). */
    static Optional<ProcStat> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new ProcStat(
                    pid,
                    f[0].charAt(0),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[19])));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Whether it has ended: a zombie holds nothing, only an exit status nobody collected. */
    boolean ended() {
        return state == 'Z' || state == 'X';
    }

    /** Whether the environment it started with holds {@code entry} ({@code NAME=value}); false for null. */
    boolean inherited(String entry) {
        if (entry == null) {
            return false;
        }
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return ("\0" + new String(raw, StandardCharsets.UTF_8)).contains("\0" + entry + "\0");
        } catch (IOException gone) {
            return false;
        }
    }

    /** The command line, arguments separated by spaces; the bracketed name for a kernel thread. */
    String commandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String line =
                    new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return line.isEmpty() ? "[" + pid + "]" : line;
        } catch (IOException gone) {
            return "?";
        }
    }
}
