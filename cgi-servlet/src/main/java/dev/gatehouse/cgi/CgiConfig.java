package dev.gatehouse.cgi;

import dev.gatehouse.cgi.exec.Interpreters;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The CGI servlet's configuration, parsed and validated once from init-params. Every parameter
 * has a default; an invalid value fails deployment with {@link IllegalArgumentException} naming
 * the parameter. The README lists them all.
 *
 * @param scriptRoot where scripts live: a web-application path such as {@code /WEB-INF/cgi}
 *     (copied out of the WAR when it is not unpacked) or an absolute file-system path
 * @param program an absolute path of one program that serves every request under the mapping
 *     (e.g. {@code git http-backend}), or null to resolve scripts under the root
 * @param interpreters interpreter per file extension
 * @param passEnv names of the server's environment variables passed on
 * @param environment extra variables set for every script
 * @param passAuthorization whether HTTP_AUTHORIZATION is passed
 * @param allowedMethods request methods that may reach a script; others get 405
 * @param timeout the longest a script may run before it is killed (504, or an aborted response)
 * @param maxConcurrent how many scripts may run at once
 * @param maxQueued how many requests may wait for a free slot
 * @param queueTimeout how long a request waits for a slot before 503
 * @param maxHeaderBytes the largest CGI header block accepted from a script
 * @param chunkedBody what to do with a request body of unknown length
 * @param maxSpoolBytes the largest chunked body spooled; beyond it 413
 * @param queryArguments whether an ISINDEX-style query becomes argv (RFC 3875 §4.4)
 * @param maxStderrLines how many stderr lines per request reach the log before the rest is
 *     counted and dropped
 * @param processGroup whether each script leads a process group of its own (through
 *     {@code setsid}), so that a kill also reaches grandchildren whose parent already exited;
 *     off by default since the extra exec costs about 40% of the spawn rate, and the
 *     descendant walk already reaches every process whose parent is alive
 */
public record CgiConfig(
        String scriptRoot,
        String program,
        Interpreters interpreters,
        List<String> passEnv,
        Map<String, String> environment,
        boolean passAuthorization,
        Set<String> allowedMethods,
        Duration timeout,
        int maxConcurrent,
        int maxQueued,
        Duration queueTimeout,
        int maxHeaderBytes,
        ChunkedBody chunkedBody,
        long maxSpoolBytes,
        boolean queryArguments,
        int maxStderrLines,
        boolean processGroup) {

    /** Handling of a request body without Content-Length. */
    public enum ChunkedBody {
        /** Spool it to a temporary file, up to maxSpoolBytes, and set CONTENT_LENGTH. */
        SPOOL,
        /** Stream it to the script's stdin until end of body, without CONTENT_LENGTH. */
        STREAM
    }

    /**
     * Parses init-params; {@code param} returns null for an absent parameter.
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static CgiConfig parse(Function<String, String> param) {
        return new CgiConfig(
                string(param, "scriptRoot", "/WEB-INF/cgi"),
                string(param, "program", null),
                parse(param, "interpreters", Interpreters.DEFAULTS, Interpreters::parse),
                list(string(param, "passEnv", "PATH,LANG,LANGUAGE,LC_ALL,LC_CTYPE")),
                parse(param, "environment", "", CgiConfig::environment),
                bool(param, "passAuthorization", false),
                parse(param, "allowedMethods", "GET,HEAD,POST", CgiConfig::methods),
                parse(param, "timeout", "60s", CgiConfig::duration),
                positive(param, "maxConcurrent", 64),
                nonNegative(param, "maxQueued", 256),
                parse(param, "queueTimeout", "5s", CgiConfig::duration),
                atLeast(param, "maxHeaderBytes", 65536, CgiHeaderParser.MIN_BYTES),
                parse(param, "chunkedBody", "spool",
                        v -> ChunkedBody.valueOf(v.strip().toUpperCase(Locale.ROOT))),
                parse(param, "maxSpoolBytes", "67108864", CgiConfig::nonNegativeLong),
                bool(param, "queryArguments", false),
                nonNegative(param, "maxStderrLines", 200),
                bool(param, "processGroup", false));
    }

    private static String string(Function<String, String> param, String name, String def) {
        String value = param.apply(name);
        return value == null || value.isBlank() ? def : value.strip();
    }

    private static <T> T parse(Function<String, String> param, String name, String def, Function<String, T> parser) {
        String value = string(param, name, def);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("init-param " + name + "='" + value + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static boolean bool(Function<String, String> param, String name, boolean def) {
        return parse(param, name, Boolean.toString(def), v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    private static int positive(Function<String, String> param, String name, int def) {
        return atLeast(param, name, def, 1);
    }

    private static int nonNegative(Function<String, String> param, String name, int def) {
        return atLeast(param, name, def, 0);
    }

    private static int atLeast(Function<String, String> param, String name, int def, int min) {
        return parse(param, name, Integer.toString(def), v -> {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException("expected a whole number of at least " + min);
            }
            return n;
        });
    }

    private static long nonNegativeLong(String value) {
        long n = Long.parseLong(value);
        if (n < 0) {
            throw new IllegalArgumentException("expected a whole number of at least 0");
        }
        return n;
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static Set<String> methods(String value) {
        Set<String> methods = new LinkedHashSet<>();
        for (String m : list(value)) {
            if (!m.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("method names are upper-case letters: " + m);
            }
            methods.add(m);
        }
        return Set.copyOf(methods);
    }

    /** One {@code NAME=value} per line. */
    private static Map<String, String> environment(String value) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : value.split("\\R")) {
            String item = line.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected NAME=value lines, got '" + item + "'");
            }
            env.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
        }
        return env;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, or a bare number of seconds. */
    static Duration duration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (v.endsWith("ms")) {
            d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
            d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
            d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        } else {
            d = Duration.ofSeconds(Long.parseLong(v));
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("expected a positive duration such as 500ms, 30s or 2m");
        }
        return d;
    }
}
