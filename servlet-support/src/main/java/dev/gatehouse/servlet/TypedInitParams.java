package dev.gatehouse.servlet;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one configuration model behind the typed builders ({@code CgiServlet.builder()}, {@code
 * FastCgiProxyServlet.builder()} …): a builder records each setting as the init-param's
 * canonical string, keyed by the init-param's name, exactly as a {@code web.xml} would give it;
 * the component then parses these strings with the same {@code XxxConfig.parse} that reads
 * init-params. So the typed path and the init-param path cannot drift: the same parser, the
 * same defaults, the same validation and the same error messages (naming the init-param).
 *
 * <p>The formats are those the parsers read: a {@link Duration} as {@code 1500ms} or {@code 30s}
 * (whole milliseconds; a finer one is refused rather than rounded), a list joined with commas,
 * a map as {@code NAME=value} lines. A value the format cannot carry (an item holding the
 * separator, a line break in a value) is refused with {@link IllegalArgumentException} naming the
 * init-param, since it would otherwise be read back as something else.
 *
 * <p>A built component applies the init-params of its registration on top ({@link #overlay}).
 */
public final class TypedInitParams {
    private static final System.Logger LOG = SafeLogger.of(TypedInitParams.class.getName());

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Sets {@code name} to {@code value} as written; null restores the default. */
    public void string(String name, String value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    /** A file-system path, as its string; null restores the default. */
    public void path(String name, Path value) {
        string(name, value == null ? null : value.toString());
    }

    public void bool(String name, boolean value) {
        values.put(name, Boolean.toString(value));
    }

    public void number(String name, long value) {
        values.put(name, Long.toString(value));
    }

    /**
     * A duration in whole milliseconds: {@code 30s} when it is whole seconds, else {@code
     * 1500ms}; null restores the default. Zero and negative durations are written as they are,
     * for the parser to accept or refuse.
     *
     * @throws IllegalArgumentException for a duration finer than a millisecond
     */
    public void duration(String name, Duration value) {
        if (value == null) {
            values.remove(name);
            return;
        }
        if (value.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException(
                    "init-param " + name + "=" + value + " is invalid: expected whole milliseconds");
        }
        long millis = value.toMillis();
        values.put(name, millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
    }

    /**
     * Items joined with commas; null restores the default.
     *
     * @param blanksSeparate whether the parser also splits on blanks (then no item may hold one)
     * @throws IllegalArgumentException for an item that holds a separator or is blank
     */
    public void list(String name, Collection<?> items, boolean blanksSeparate) {
        if (items == null) {
            values.remove(name);
            return;
        }
        List<String> texts = new ArrayList<>();
        for (Object item : items) {
            String text = String.valueOf(item);
            boolean separator =
                    text.indexOf(',') >= 0 || (blanksSeparate && text.chars().anyMatch(Character::isWhitespace));
            if (text.isBlank() || separator) {
                throw new IllegalArgumentException("init-param " + name + ": item '" + text
                        + "' is invalid: expected a non-blank item without " + (blanksSeparate ? "blanks or " : "")
                        + "commas");
            }
            texts.add(text);
        }
        values.put(name, String.join(",", texts));
    }

    /**
     * {@code NAME=value} lines in the map's order; null restores the default. Names and values
     * are stripped by the parser, as in an init-param.
     *
     * @throws IllegalArgumentException for a name holding {@code =} or a line break, or a value
     *     holding a line break
     */
    public void lines(String name, Map<String, String> map) {
        if (map == null) {
            values.remove(name);
            return;
        }
        StringBuilder text = new StringBuilder();
        map.forEach((key, value) -> {
            if (key.isBlank() || key.indexOf('=') >= 0 || hasLineBreak(key) || hasLineBreak(value)) {
                throw new IllegalArgumentException("init-param " + name + ": entry '" + key
                        + "' is invalid: expected a name without = and a value, both without line breaks");
            }
            text.append(key).append('=').append(value).append('\n');
        });
        values.put(name, text.toString());
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    /** The settings so far, keyed by init-param name, in the order they were first set. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The init-params a built component reads at {@code init}: its registration's own
     * init-params (from {@code ServletRegistration.setInitParameter}, a Spring {@code
     * ServletRegistrationBean}'s, an embedded container's holder or {@code web.xml}) win, and the
     * builder's values stand for every init-param the registration does not give. This is what
     * Spring's own {@code HttpServletBean} does (init-params are applied over the properties set
     * in code), and it lets a deployment override a setting without a rebuild. One INFO line
     * names the init-params that overrode a builder's value.
     *
     * @param preset the builder's values (empty for a component made with its no-arg
     *     constructor, which then reads its init-params as before)
     * @param registration the registration's init-param lookup (null when absent)
     * @param registrationNames the registration's init-param names
     * @param component the servlet's or filter's name, for the log line
     */
    public static Function<String, String> overlay(
            Map<String, String> preset,
            Function<String, String> registration,
            Enumeration<String> registrationNames,
            String component) {
        if (preset.isEmpty()) {
            return registration;
        }
        List<String> overridden = new ArrayList<>();
        for (String name : Collections.list(registrationNames)) {
            if (preset.containsKey(name)) {
                overridden.add(name);
            }
        }
        if (!overridden.isEmpty()) {
            LOG.log(
                    Level.INFO,
                    "{0}: init-params {1} of the registration override the builder''s values",
                    component,
                    overridden);
        }
        return name -> {
            String value = registration.apply(name);
            return value != null ? value : preset.get(name);
        };
    }
}
