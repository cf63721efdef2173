package dev.gatehouse.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a servlet's or filter's init-params into typed values, once, at init: an absent or
 * blank parameter takes its default, and an invalid value becomes an
 * {@link IllegalArgumentException} that names the parameter, its value and what it accepts.
 * Shared by every Gatehouse configuration (CGI, FastCGI, ASGI).
 */
public final class InitParams {

    private final Function<String, String> param;

    /** @param param the init-param lookup, e.g. {@code getInitParameter}; null when absent */
    public InitParams(Function<String, String> param) {
        this.param = param;
    }

    public String string(String name, String def) {
        String value = param.apply(name);
        return value == null || value.isBlank() ? def : value.strip();
    }

    public <T> T parse(String name, String def, Function<String, T> parser) {
        String value = string(name, def);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "init-param " + name + "='" + value + "' is invalid: " + e.getMessage(), e);
        }
    }

    public boolean bool(String name, boolean def) {
        return parse(name, Boolean.toString(def), v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    public int atLeast(String name, int def, int min) {
        return parse(name, Integer.toString(def), v -> {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException("expected a whole number of at least " + min);
            }
            return n;
        });
    }

    public long atLeast(String name, long def, long min) {
        return parse(name, Long.toString(def), v -> {
            long n = Long.parseLong(v);
            if (n < min) {
                throw new IllegalArgumentException("expected a whole number of at least " + min);
            }
            return n;
        });
    }

    /** A positive duration ({@link #duration(String)}). */
    public Duration duration(String name, String def) {
        return parse(name, def, InitParams::duration);
    }

    /** A positive duration, or {@code 0} for no limit ({@link Duration#ZERO}). */
    public Duration durationOrZero(String name, String def) {
        return parse(name, def, v -> {
            String expected = "expected 0 (no limit) or " + POSITIVE_DURATION;
            Duration d;
            try {
                d = durationOf(v);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(expected + " (" + e.getMessage() + ")", e);
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(expected);
            }
            return d;
        });
    }

    /** A number of bytes from {@code min} to {@code max}. */
    public int size(String name, int def, int min, int max) {
        return parse(name, Integer.toString(def), v -> {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is expected
            }
            throw new IllegalArgumentException("expected a number of bytes from " + min + " to " + max);
        });
    }

    /** Comma-separated items, each stripped; blank items are skipped. */
    public static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    /** One {@code NAME=value} per line; blank lines are skipped. */
    public static Map<String, String> lines(String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : value.split("\\R")) {
            String item = line.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected NAME=value lines, got '" + item + "'");
            }
            map.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
        }
        return map;
    }

    private static final String POSITIVE_DURATION = "a positive duration such as 500ms, 30s or 2m";

    /** {@code 500ms}, {@code 30s}, {@code 5m}, or a bare number of seconds; positive. */
    public static Duration duration(String value) {
        try {
            Duration d = durationOf(value);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected " + POSITIVE_DURATION + " (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException("expected " + POSITIVE_DURATION);
    }

    private static Duration durationOf(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    /** The {@code denyStatus} init-param: what a path refused by {@code deny} is answered. */
    public static int denyStatus(String value) {
        return switch (value) {
            case "404" -> 404;
            case "403" -> 403;
            default -> throw new IllegalArgumentException("expected 404 or 403");
        };
    }
}
