package dev.gatehouse.bench;

import dev.gatehouse.it.support.ServletContainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One scenario on one container: its settings, its work directory, and the checks it made.
 * Every line it prints starts with the container and the scenario, and every check is printed
 * as it is made, PASS or FAIL, with the figures it was decided on.
 */
final class FaultRun {

    /** One pass/fail decision. */
    record Check(String scenario, String container, String name, boolean passed, String detail) {}

    private final String scenario;
    private final ServletContainer.Kind kind;
    private final Function<String, String> settings;
    private final Path work;
    private final List<Check> checks = new ArrayList<>();

    FaultRun(String scenario, ServletContainer.Kind kind, Function<String, String> settings, Path work) {
        this.scenario = scenario;
        this.kind = kind;
        this.settings = settings;
        this.work = work;
    }

    /** {@code jetty}, {@code tomcat}, or {@code jetty+tomcat} for a scenario that runs both at once. */
    String container() {
        return kind == null ? "jetty+tomcat" : kind.name().toLowerCase(Locale.ROOT);
    }

    /** The container, or null when the scenario runs both at once. */
    ServletContainer.Kind kind() {
        return kind;
    }

    Function<String, String> settings() {
        return settings;
    }

    /** A directory of this run's own (scripts, pid files), removed afterwards. */
    Path work() {
        return work;
    }

    void say(String format, Object... args) {
        System.out.printf(
                Locale.ROOT, "  %-12s %-11s %s%n", container(), scenario, String.format(Locale.ROOT, format, args));
    }

    boolean check(String name, boolean passed, String format, Object... args) {
        String detail = String.format(Locale.ROOT, format, args);
        checks.add(new Check(scenario, container(), name, passed, detail));
        say("%s %s: %s", passed ? "PASS" : "FAIL", name, detail);
        return passed;
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
