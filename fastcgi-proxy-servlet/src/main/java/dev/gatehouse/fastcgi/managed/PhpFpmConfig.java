package dev.gatehouse.fastcgi.managed;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A php-fpm configuration file ({@code php-fpm -y FILE}): a {@code [global]} section and one
 * section per pool, each {@code directive = value} per line, in the order given. Values that are
 * not plain words are double-quoted, and anything that could break out of a line or a quoted
 * value (line breaks, NUL, {@code "}, {@code $}) is refused, so no value can add a directive.
 *
 * <p>The managed backend writes one pool; the tests' php-fpm fixture writes two with the same
 * code.
 */
public record PhpFpmConfig(Map<String, String> global, List<Pool> pools) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*(\\[[A-Za-z0-9_.]+])?");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@+-]+");

    /** A pool section, {@code [name]}, and its directives. */
    public record Pool(String name, Map<String, String> directives) {
        public Pool {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("not a plain pool name: '" + name + "'");
            }
            directives = copy(directives);
        }
    }

    public PhpFpmConfig {
        global = copy(global);
        pools = List.copyOf(pools);
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("php-fpm needs at least one pool");
        }
    }

    /**
     * The {@code [global]} section of a php-fpm run in the foreground by its parent: no
     * daemonizing, the master's pid in {@code pidFile}, its log to {@code errorLog} (a file, or
     * {@code /proc/self/fd/2} for the parent to relay).
     */
    public static Map<String, String> foreground(Path pidFile, String errorLog) {
        Map<String, String> global = new LinkedHashMap<>();
        global.put("pid", pidFile.toString());
        global.put("error_log", errorLog);
        global.put("daemonize", "no");
        global.put("log_level", "notice");
        return global;
    }

    /**
     * A pool of {@code children} workers started at once and kept ({@code pm = static}: the
     * proxy's connection limit matches it, so no worker is started or stopped on demand), whose
     * output goes to the master's log.
     *
     * @param listen a socket path or {@code 127.0.0.1:port}
     * @param maxRequests requests a worker serves before it is replaced, 0 for never
     */
    public static Map<String, String> staticPool(String listen, int children, int maxRequests) {
        if (children < 1 || maxRequests < 0) {
            throw new IllegalArgumentException("children " + children + ", maxRequests " + maxRequests);
        }
        Map<String, String> pool = new LinkedHashMap<>();
        pool.put("listen", listen);
        if (listen.startsWith("/")) {
            pool.put("listen.mode", "0600");
        }
        pool.put("pm", "static");
        pool.put("pm.max_children", Integer.toString(children));
        pool.put("pm.max_requests", Integer.toString(maxRequests));
        pool.put("catch_workers_output", "yes");
        return pool;
    }

    /** The file's text. */
    public String render() {
        StringBuilder text = new StringBuilder("[global]\n");
        append(text, global);
        for (Pool pool : pools) {
            text.append("\n[").append(pool.name()).append("]\n");
            append(text, pool.directives());
        }
        return text.toString();
    }

    private static void append(StringBuilder text, Map<String, String> directives) {
        directives.forEach((name, value) ->
                text.append(name).append(" = ").append(quoted(value)).append('\n'));
    }

    private static String quoted(String value) {
        return PLAIN.matcher(value).matches() ? value : '"' + value + '"';
    }

    private static Map<String, String> copy(Map<String, String> directives) {
        Map<String, String> copy = new LinkedHashMap<>();
        directives.forEach((name, value) -> {
            Objects.requireNonNull(value, name);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a php-fpm directive name: '" + name + "'");
            }
            if (value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\0' || c == '"' || c == '$')) {
                throw new IllegalArgumentException(
                        "php-fpm directive " + name + " holds a line break, NUL, \" or $: '" + value + "'");
            }
            copy.put(name, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
