package dev.gatehouse.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What the integration suite must leave behind: nothing. Begun once per test JVM before any test
 * class (by {@link SuiteLeakGuardSession}), it makes the run's own {@code java.io.tmpdir} that
 * Failsafe names, counts the JVM's open file descriptors, and samples the JVM's descendants every
 * 100 ms, noting their pids, process groups and sessions. {@link #leaks()} (run by the last test
 * class, {@code LeakGuardIT}) then finds what outlived the suite:
 *
 * <ul>
 *   <li>live, non-zombie processes started after the test JVM that were seen as its descendants,
 *       or are in a process group or session one of them had (an orphan re-parented to init
 *       still is), or in the JVM's own process group, or whose command line names the suite's
 *       temp directory, or whose environment has the JVM's {@code GATEHOUSE_IT_RUN} mark;
 *   <li>{@code gatehouse-*} and {@code gh-*} entries left in the suite's temp directory;
 *   <li>file descriptors beyond the count before the first container started plus
 *       {@link #FD_MARGIN}, class-path jars not counted.
 * </ul>
 *
 * Command lines naming only php-fpm, php-cgi or uwsgi are not enough: on a machine shared with
 * another build they may be that build's; every such program the suite starts is in a recorded
 * group or session, or names the suite's temp directory.
 */
public final class SuiteLeakGuard {

    /**
     * File descriptors the JVM may hold beyond its count before the first container: JDK
     * HttpClient selectors (an epoll fd and a pipe each) that the collector has not yet reclaimed,
     * and lazily opened JDK resources (e.g. {@code /dev/random}, a zip of the JDK's lib). A leak
     * per request or per container is far more over a suite of hundreds.
     */
    public static final int FD_MARGIN = 16;

    /**
     * The environment variable the test JVM gets from Failsafe ({@code GATEHOUSE_IT_RUN=<build
     * directory>}, one per checkout): a process that inherited it is this suite's, wherever it was
     * re-parented and whatever group it made — unless the program that started it cleared the
     * environment, as the gateways do for scripts.
     */
    private static final String RUN_MARK = markOf(System.getenv("GATEHOUSE_IT_RUN"));

    /** Descriptors opened once for the JVM's life ({@code /dev/random}, {@code /dev/urandom}). */
    private static final int SETTLED_FDS = 2;

    private static final long SAMPLE_MILLIS = 100;
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private static State state;

    private SuiteLeakGuard() {}

    /** A process as sampled: pid and start time identify it, pgrp and session its group. */
    record Seen(long pid, long startTicks, long pgrp, long session, String commandLine) {}

    private record State(
            ProcStat self,
            Path suiteTmp,
            boolean tmpIsolated,
            Map<Integer, String> fdBaseline,
            Map<String, Seen> seen,
            Set<Long> groups,
            Set<Long> sessions,
            Thread sampler) {}

    /** Starts guarding, once per JVM; later calls do nothing. */
    public static synchronized void begin() {
        if (state != null || !Files.isDirectory(Path.of("/proc/self"))) {
            return;
        }
        try {
            ProcStat self = ProcStat.of(ProcessHandle.current().pid()).orElseThrow();
            // Failsafe names a temp directory of the run's own, not there yet; the JDK fixes
            // java.io.tmpdir at start-up, so it must be made before anything makes a temp file
            Path suiteTmp = Path.of(System.getProperty("java.io.tmpdir"));
            boolean isolated = false;
            if (!Files.exists(suiteTmp)) {
                Files.createDirectory(
                        suiteTmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                isolated = true;
            }
            Map<String, Seen> seen = new ConcurrentHashMap<>();
            Set<Long> groups = ConcurrentHashMap.newKeySet();
            Set<Long> sessions = ConcurrentHashMap.newKeySet();
            Thread sampler = new Thread(() -> sampleForever(self, seen, groups, sessions), "suite-leak-guard");
            sampler.setDaemon(true);
            state = new State(self, suiteTmp, isolated, fds(), seen, groups, sessions, sampler);
            sampler.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the suite's leak guard", e);
        }
    }

    private static String markOf(String run) {
        return run == null || run.isEmpty() ? null : "GATEHOUSE_IT_RUN=" + run;
    }

    /** Whether {@link #begin()} ran in this JVM. */
    public static synchronized boolean begun() {
        return state != null;
    }

    /**
     * The process groups and sessions seen so far other than the JVM's own, for a per-test check
     * (see {@link NoProcessLeftBehind}); empty before {@link #begin()}.
     */
    static synchronized Set<Long> groupsAndSessionsSeen() {
        if (state == null) {
            return Set.of();
        }
        sample(state.self, state.seen, state.groups, state.sessions);
        Set<Long> all = ConcurrentHashMap.newKeySet();
        all.addAll(state.groups);
        all.addAll(state.sessions);
        return all;
    }

    private static void sampleForever(ProcStat self, Map<String, Seen> seen, Set<Long> groups, Set<Long> sessions) {
        while (true) {
            try {
                sample(self, seen, groups, sessions);
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a process vanished mid-walk: the next sample sees the rest
            }
        }
    }

    private static void sample(ProcStat self, Map<String, Seen> seen, Set<Long> groups, Set<Long> sessions) {
        ProcessHandle.current()
                .descendants()
                .forEach(p -> ProcStat.of(p.pid()).filter(s -> !s.ended()).ifPresent(s -> {
                    seen.computeIfAbsent(
                            s.pid() + "@" + s.startTicks(),
                            k -> new Seen(s.pid(), s.startTicks(), s.pgrp(), s.session(), s.commandLine()));
                    if (s.pgrp() != self.pgrp()) {
                        groups.add(s.pgrp());
                    }
                    if (s.session() != self.session()) {
                        sessions.add(s.session());
                    }
                }));
    }

    /**
     * Live processes the suite started and left, as "pid … pgrp … session …: command line", for
     * processes started at {@code sinceTicks} or later; empty before {@link #begin()}.
     */
    static List<String> strayProcesses(long sinceTicks, Set<Long> groupsAndSessions) {
        State s;
        synchronized (SuiteLeakGuard.class) {
            s = state;
        }
        if (s == null) {
            return List.of();
        }
        List<String> stray = new ArrayList<>();
        for (ProcStat p : allProcesses()) {
            if (p.pid() == s.self.pid() || p.ended() || p.startTicks() < Math.max(sinceTicks, s.self.startTicks())) {
                continue;
            }
            String line = p.commandLine();
            boolean ours = s.seen.containsKey(p.pid() + "@" + p.startTicks())
                    || groupsAndSessions.contains(p.pgrp())
                    || groupsAndSessions.contains(p.session())
                    || p.pgrp() == s.self.pgrp()
                    // only a temp directory of the run's own names its processes: under a shared
                    // /tmp (a run outside Failsafe) this would claim every other run's JVM
                    || s.tmpIsolated && line.contains(s.suiteTmp + "/")
                    || p.inherited(RUN_MARK);
            if (ours) {
                stray.add("pid " + p.pid() + " pgrp " + p.pgrp() + " session " + p.session() + ": " + line);
            }
        }
        return stray;
    }

    /**
     * Everything the suite left behind, each a line naming it; kills the processes it names (by
     * pid, after naming them) and removes the suite's temp directory, so a leak does not poison
     * the next run. Waits (bounded) for processes to go and file descriptors to close first.
     */
    public static synchronized List<String> leaks() throws InterruptedException {
        if (state == null) {
            return List.of("the leak guard never began: is SuiteLeakGuardSession registered?");
        }
        State s = state;
        List<String> leaks = new ArrayList<>();

        List<String> processes;
        long end = System.nanoTime() + SETTLE.toNanos();
        do {
            processes = strayProcesses(0, groupsAndSessionsSeen());
        } while (!processes.isEmpty() && System.nanoTime() - end < 0 && pause());
        processes.forEach(p -> leaks.add("process left running: " + p));

        leaks.addAll(leftInTmp(s));

        s.sampler.interrupt(); // its /proc reads would count as open descriptors
        s.sampler.join(SETTLE.toMillis());

        Map<Integer, String> extra;
        end = System.nanoTime() + SETTLE.toNanos();
        do {
            System.gc(); // unreachable HttpClients close their selectors only when collected
            extra = extraFds(s.fdBaseline);
            // wait for the collector to close what it will (not just until within the margin),
            // so that the margin is left for what stays open for good
        } while (extra.size() > SETTLED_FDS && System.nanoTime() - end < 0 && pause());
        if (extra.size() > FD_MARGIN) {
            leaks.add("file descriptors: " + (s.fdBaseline.size() + extra.size()) + " open, " + s.fdBaseline.size()
                    + " before the suite (+" + FD_MARGIN + " allowed); the extra ones: " + extra);
        } else {
            System.out.printf(
                    "[leak guard] %d file descriptors beyond the %d before the suite (+%d allowed): %s%n",
                    extra.size(), s.fdBaseline.size(), FD_MARGIN, extra.values());
        }

        for (String p : processes) {
            long pid = Long.parseLong(p.substring("pid ".length(), p.indexOf(' ', "pid ".length())));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (s.tmpIsolated) {
            deleteTree(s.suiteTmp);
        }
        return leaks;
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static List<String> leftInTmp(State s) {
        if (!s.tmpIsolated) {
            System.out.println("[leak guard] java.io.tmpdir " + s.suiteTmp + " is not the run's own:"
                    + " temp directories unchecked (Failsafe sets one)");
            return List.of();
        }
        List<String> left = new ArrayList<>();
        try (Stream<Path> entries = Files.list(s.suiteTmp)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("gatehouse-") || name.startsWith("gh-")) {
                    left.add("temp directory left: " + p + contents(p));
                } else if (name.startsWith(TomcatContainer.BASE_PREFIX)) {
                    filesUnder(p).forEach(f -> left.add("file left in a stopped Tomcat's base directory: " + f));
                }
            }
        } catch (IOException e) {
            return List.of("cannot list " + s.suiteTmp + ": " + e);
        }
        return left;
    }

    /** Regular files below {@code dir}: an empty tree an embedded Tomcat made again holds none. */
    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            return tree.filter(Files::isRegularFile).sorted().limit(10).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    private static String contents(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return " "
                    + files.map(p -> p.getFileName().toString())
                            .sorted()
                            .limit(10)
                            .toList();
        } catch (IOException e) {
            return "";
        }
    }

    /** The descriptors open now and not before, class-path jars (held for the JVM's life) aside. */
    private static Map<Integer, String> extraFds(Map<Integer, String> baseline) {
        Map<String, Integer> before = new HashMap<>();
        baseline.values().forEach(t -> before.merge(t, 1, Integer::sum));
        Map<Integer, String> extra = new TreeMap<>();
        for (Map.Entry<Integer, String> fd : fds().entrySet()) {
            String target = fd.getValue();
            if (before.merge(target, -1, Integer::sum) >= 0) {
                continue; // the same target was open before: a reused number, not a new one
            }
            if (target.endsWith(".jar") && !target.contains("/gatehouse-")) {
                continue;
            }
            extra.put(fd.getKey(), target);
        }
        return extra;
    }

    private static Map<Integer, String> fds() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : links.toList()) {
                try {
                    fds.put(
                            Integer.valueOf(link.getFileName().toString()),
                            Files.readSymbolicLink(link).toString());
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    private static List<ProcStat> allProcesses() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(n -> ProcStat.of(Long.parseLong(n)))
                    .flatMap(java.util.Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Now, in the clock ticks since boot of {@code /proc/<pid>/stat}'s start time: {@code
     * /proc/uptime} at USER_HZ (100 on Linux), less a tick for rounding.
     */
    static long nowTicks() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
            return (long) (Double.parseDouble(uptime) * 100) - 1;
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE; // no /proc: nothing is known to have started since
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.out.println("[leak guard] could not remove " + dir + ": " + e);
        }
    }
}
