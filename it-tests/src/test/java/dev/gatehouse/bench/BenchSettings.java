package dev.gatehouse.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What one benchmark run does. Each setting comes from an argument {@code name=value} (or
 * {@code --name=value}), else the system property {@code bench.name}, else its default.
 *
 * @param rounds measured rounds per target, after one warm-up round
 * @param duration wrk's duration for each measured round, whole seconds
 * @param warmup wrk's duration for the warm-up round
 * @param connections wrk's open connections
 * @param threads wrk's threads
 * @param forkRuns script runs per round of the raw fork/exec loop
 * @param forkLoops how many raw fork loops run at once in the parallel variant
 * @param nginxWorkers nginx worker processes
 * @param fcgiwrapChildren fcgiwrap processes (each serves one request at a time)
 * @param pause idle time between two measurements, for the last scripts of one to end
 * @param targets which targets run, of jetty, tomcat, tomcat-cgi, nginx, raw
 * @param scripts which scripts run, of sh, pl
 */
record BenchSettings(
        int rounds,
        Duration duration,
        Duration warmup,
        int connections,
        int threads,
        int forkRuns,
        int forkLoops,
        int nginxWorkers,
        int fcgiwrapChildren,
        Duration pause,
        Set<String> targets,
        Set<String> scripts) {

    static final List<String> TARGETS = List.of("jetty", "tomcat", "tomcat-cgi", "nginx", "raw");

    /** One setting: its name, default and meaning, for parsing and for the usage text. */
    record Setting(String name, String defaultValue, String meaning) {}

    static final List<Setting> SETTINGS = List.of(
            new Setting("rounds", "3", "measured rounds per target, after one warm-up round"),
            new Setting("duration", "5s", "wrk duration of each measured round (whole seconds)"),
            new Setting("warmup", "5s", "wrk duration of the warm-up round"),
            new Setting("connections", "16", "wrk connections (-c)"),
            new Setting("threads", "2", "wrk threads (-t)"),
            new Setting("forkRuns", "2000", "script runs per round of the raw fork/exec loop"),
            new Setting(
                    "forkLoops",
                    Integer.toString(Runtime.getRuntime().availableProcessors()),
                    "loops at once in the parallel raw fork/exec row (default: the CPUs)"),
            new Setting("nginxWorkers", "2", "nginx worker_processes"),
            new Setting("fcgiwrapChildren", "4", "fcgiwrap -c (processes, one request each at a time)"),
            new Setting("pause", "500ms", "idle time between two measurements"),
            new Setting("targets", String.join(",", TARGETS), "which targets to measure"),
            new Setting("scripts", "sh,pl", "which scripts to run"));

    static BenchSettings parse(String[] args) {
        Function<String, String> value = values(args, SETTINGS);
        BenchSettings s = new BenchSettings(
                positive(value, "rounds"),
                seconds(value, "duration"),
                seconds(value, "warmup"),
                positive(value, "connections"),
                positive(value, "threads"),
                positive(value, "forkRuns"),
                positive(value, "forkLoops"),
                positive(value, "nginxWorkers"),
                positive(value, "fcgiwrapChildren"),
                duration(value.apply("pause"), "pause"),
                names(value, "targets", TARGETS),
                names(value, "scripts", List.of("sh", "pl")));
        if (s.threads > s.connections) {
            throw new IllegalArgumentException(
                    "threads (" + s.threads + ") must not exceed connections (" + s.connections + "), as in wrk");
        }
        return s;
    }

    static String usage() {
        return usage(SETTINGS);
    }

    /**
     * The value of each setting by name: the argument {@code name=value} (or {@code --name=value}),
     * else the system property {@code bench.name}, else its default. Shared by every benchmark.
     *
     * @throws IllegalArgumentException for an argument naming no setting, with the usage text
     */
    static Function<String, String> values(String[] args, List<Setting> settings) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            String a = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (eq < 0 || settings.stream().noneMatch(setting -> setting.name().equals(name))) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + usage(settings));
            }
            given.put(name, a.substring(eq + 1));
        }
        return name -> {
            String v = given.get(name);
            if (v == null) {
                v = System.getProperty("bench." + name);
            }
            return v == null || v.isBlank()
                    ? settings.stream()
                            .filter(s -> s.name().equals(name))
                            .findFirst()
                            .orElseThrow()
                            .defaultValue()
                    : v.strip();
        };
    }

    static String usage(List<Setting> settings) {
        StringBuilder b = new StringBuilder("settings (name=value argument, or -Dbench.name=value):\n");
        for (Setting setting : settings) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %-17s %s (default %s)%n",
                    setting.name(),
                    setting.meaning(),
                    setting.defaultValue()));
        }
        return b.toString();
    }

    static int positive(Function<String, String> value, String name) {
        String v = value.apply(name);
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + "=" + v + ": expected a whole number of at least 1");
    }

    static Duration seconds(Function<String, String> value, String name) {
        Duration d = duration(value.apply(name), name);
        if (d.toMillis() % 1000 != 0 || d.isZero()) {
            throw new IllegalArgumentException(name + "=" + value.apply(name) + ": wrk takes whole seconds");
        }
        return d;
    }

    /** {@code 500ms}, {@code 5s}, {@code 1m}, or a bare number of seconds. */
    static Duration duration(String v, String name) {
        String s = v.toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + ": expected a duration such as 500ms, 5s or 1m", e);
        }
    }

    static Set<String> names(Function<String, String> value, String name, List<String> allowed) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : value.apply(name).split(",")) {
            String item = n.strip();
            if (item.isEmpty()) {
                continue;
            }
            if (!allowed.contains(item)) {
                throw new IllegalArgumentException(name + ": unknown '" + item + "', expected some of " + allowed);
            }
            names.add(item);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected some of " + allowed);
        }
        return Set.copyOf(names);
    }
}
