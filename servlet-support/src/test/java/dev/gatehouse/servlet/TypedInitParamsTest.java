package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The canonical strings the typed builders record, and how a registration's init-params overlay them. */
class TypedInitParamsTest {

    record Written(Duration duration, String text) {}

    static Stream<Written> durations() {
        return Stream.of(
                new Written(Duration.ofSeconds(30), "30s"),
                new Written(Duration.ofMillis(1500), "1500ms"),
                new Written(Duration.ofMinutes(2), "120s"),
                new Written(Duration.ZERO, "0s"),
                new Written(Duration.ofSeconds(-5), "-5s"),
                new Written(Duration.ofMillis(-1), "-1ms"));
    }

    @ParameterizedTest
    @MethodSource("durations")
    void durationsAreWrittenInWholeMillisecondsOrSeconds(Written w) {
        TypedInitParams params = new TypedInitParams();
        params.duration("timeout", w.duration());
        assertEquals(Map.of("timeout", w.text()), params.values());
    }

    @Test
    void valuesAreWrittenAsAWebXmlWouldGiveThem() {
        TypedInitParams params = new TypedInitParams();
        params.string("scriptRoot", "/WEB-INF/cgi");
        params.path("program", Path.of("/usr/bin/env"));
        params.bool("passAuthorization", true);
        params.number("maxSpoolBytes", 1L << 40);
        params.list("passEnv", List.of("PATH", "TZ"), false);
        params.list("linkTargets", List.of(Path.of("/a"), Path.of("/b")), false);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("B", "2");
        env.put("A", "x = y");
        params.lines("environment", env);

        assertEquals(
                List.of(
                        "scriptRoot=/WEB-INF/cgi",
                        "program=/usr/bin/env",
                        "passAuthorization=true",
                        "maxSpoolBytes=1099511627776",
                        "passEnv=PATH,TZ",
                        "linkTargets=/a,/b",
                        "environment=B=2\nA=x = y\n"),
                params.values().entrySet().stream().map(Object::toString).toList());
    }

    @Test
    void nullRestoresTheDefault() {
        TypedInitParams params = new TypedInitParams();
        params.string("a", "1");
        params.duration("b", Duration.ofSeconds(1));
        params.list("c", List.of("x"), false);
        params.lines("d", Map.of("X", "1"));
        params.string("a", null);
        params.duration("b", null);
        params.list("c", null, false);
        params.lines("d", null);
        assertEquals(Map.of(), params.values());
    }

    @Test
    void whatTheFormatCannotCarryIsRefused() {
        TypedInitParams params = new TypedInitParams();
        assertThrows(IllegalArgumentException.class, () -> params.list("passEnv", List.of("A,B"), false));
        assertThrows(IllegalArgumentException.class, () -> params.list("deny", List.of("a b"), true));
        assertThrows(IllegalArgumentException.class, () -> params.list("deny", List.of(" "), true));
        assertThrows(IllegalArgumentException.class, () -> params.lines("params", Map.of("A=B", "1")));
        assertThrows(IllegalArgumentException.class, () -> params.lines("params", Map.of("A", "1\n2")));
        assertThrows(IllegalArgumentException.class, () -> params.duration("timeout", Duration.ofNanos(1)));
        assertEquals(Map.of(), params.values());
    }

    @Test
    void theRegistrationsInitParamsWinAndTheBuildersStandForTheRest() {
        Map<String, String> registration = Map.of("timeout", "5s", "maxQueued", "0");
        Function<String, String> params = TypedInitParams.overlay(
                Map.of("timeout", "30s", "scriptRoot", "/srv/cgi"),
                registration::get,
                Collections.enumeration(registration.keySet()),
                "cgi");

        assertEquals("5s", params.apply("timeout"));
        assertEquals("0", params.apply("maxQueued"));
        assertEquals("/srv/cgi", params.apply("scriptRoot"));
        assertEquals(null, params.apply("program"));
    }

    @Test
    void withoutABuilderTheRegistrationIsReadAsBefore() {
        Function<String, String> registration = Map.of("timeout", "5s")::get;
        assertEquals(
                registration, TypedInitParams.overlay(Map.of(), registration, Collections.emptyEnumeration(), "cgi"));
    }
}
