package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AsgiServletConfigTest {

    record Valid(Map<String, String> params, boolean applicationGiven, AsgiServletConfig expected) {}

    record Invalid(Map<String, String> params, boolean applicationGiven, String message) {}

    static Stream<Valid> valid() {
        return Stream.of(
                new Valid(
                        Map.of("application", " com.example.App "),
                        false,
                        new AsgiServletConfig(
                                "com.example.App", Duration.ofSeconds(60), Duration.ofSeconds(30), 65536)),
                new Valid(
                        Map.of("asyncTimeout", "0", "lifespanTimeout", "500ms", "readBufferSize", "1024"),
                        true,
                        new AsgiServletConfig(null, Duration.ZERO, Duration.ofMillis(500), 1024)),
                new Valid(
                        Map.of("asyncTimeout", "2m", "lifespanTimeout", "7"),
                        true,
                        new AsgiServletConfig(null, Duration.ofMinutes(2), Duration.ofSeconds(7), 65536)));
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(
                        Map.of(),
                        false,
                        "init-param application is missing: expected the class name"
                                + " of an AsgiApplication with a public no-argument constructor"),
                new Invalid(
                        Map.of("application", "x.App"),
                        true,
                        "init-param application='x.App' is"
                                + " invalid: the servlet was constructed with an application instance"),
                new Invalid(
                        Map.of("asyncTimeout", "-1s"),
                        true,
                        "init-param asyncTimeout='-1s' is"
                                + " invalid: expected 0 (no limit) or a positive duration such as 500ms, 30s or 2m"),
                new Invalid(
                        Map.of("lifespanTimeout", "0"),
                        true,
                        "init-param lifespanTimeout='0' is"
                                + " invalid: expected a positive duration such as 500ms, 30s or 2m"),
                new Invalid(
                        Map.of("readBufferSize", "100"),
                        true,
                        "init-param readBufferSize='100' is"
                                + " invalid: expected a number of bytes from 1024 to 16777216"));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void reads(Valid row) {
        assertEquals(row.expected(), AsgiServletConfig.from(row.params()::get, row.applicationGiven()));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNamingTheParameter(Invalid row) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> AsgiServletConfig.from(row.params()::get, row.applicationGiven()));
        assertEquals(row.message(), e.getMessage());
    }
}
