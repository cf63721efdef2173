package dev.gatehouse.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.cgi.CgiConfig.ChunkedBody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Init-param parsing: every default, accepted spellings, and a named rejection for each bad value. */
class CgiConfigTest {

    private static CgiConfig parse(Map<String, String> params) {
        return CgiConfig.parse(params::get);
    }

    private static CgiConfig parse(String name, String value) {
        return parse(Map.of(name, value));
    }

    @Test
    void defaultsWhenNoParamIsGiven() {
        assertDefaults(CgiConfig.parse(name -> null));
    }

    @Test
    void blankParamsCountAsAbsent() {
        assertDefaults(CgiConfig.parse(name -> "  "));
    }

    private static void assertDefaults(CgiConfig c) {
        assertEquals("/WEB-INF/cgi", c.scriptRoot());
        assertNull(c.program());
        assertEquals(List.of("perl"), c.interpreters().forExtension(Path.of("x.pl")));
        assertEquals(List.of("python3"), c.interpreters().forExtension(Path.of("x.py")));
        assertEquals(List.of("sh"), c.interpreters().forExtension(Path.of("x.sh")));
        assertEquals(List.of("php-cgi"), c.interpreters().forExtension(Path.of("x.php")));
        assertEquals(List.of("ruby"), c.interpreters().forExtension(Path.of("x.rb")));
        assertNull(c.interpreters().forExtension(Path.of("x.cgi")));
        assertEquals(List.of("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE"), c.passEnv());
        assertEquals(Map.of(), c.environment());
        assertEquals(false, c.passAuthorization());
        assertEquals(Set.of("GET", "HEAD", "POST"), c.allowedMethods());
        assertEquals(Duration.ofSeconds(60), c.timeout());
        assertEquals(Duration.ofSeconds(30), c.writeTimeout());
        assertEquals(64, c.maxConcurrent());
        assertEquals(256, c.maxQueued());
        assertEquals(Duration.ofSeconds(5), c.queueTimeout());
        assertEquals(65536, c.maxHeaderBytes());
        assertEquals(ChunkedBody.SPOOL, c.chunkedBody());
        assertEquals(CgiConfig.RequireExecutable.AUTO, c.requireExecutable());
        assertEquals(64L * 1024 * 1024, c.maxSpoolBytes());
        assertEquals(true, c.requestBuffering());
        assertEquals(Duration.ofSeconds(60), c.clientBodyTimeout());
        assertTrue(c.deny().isEmpty());
        assertEquals(404, c.denyStatus());
        assertEquals(64L * 1024 * 1024, c.spoolMemoryBytes());
        assertEquals(1024L * 1024 * 1024, c.spoolDiskBytes());
        assertEquals(256, c.maxSpooling());
        assertEquals(false, c.queryArguments());
        assertEquals(200, c.maxStderrLines());
    }

    /** @param read the part of the config the param sets */
    record Accepted(String param, String value, Function<CgiConfig, Object> read, Object expected) {
        @Override
        public String toString() {
            return param + "=" + value.replace("\n", "\\n").replace("\r", "\\r");
        }
    }

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("scriptRoot", " /srv/cgi ", CgiConfig::scriptRoot, "/srv/cgi"),
                new Accepted(
                        "program",
                        "/usr/lib/git-core/git-http-backend",
                        CgiConfig::program,
                        "/usr/lib/git-core/git-http-backend"),
                new Accepted("passEnv", "PATH, HOME,,", CgiConfig::passEnv, List.of("PATH", "HOME")),
                new Accepted(
                        "environment",
                        "A=1\nB = two words\r\n\n  C=\nD=x=y",
                        CgiConfig::environment,
                        Map.of("A", "1", "B", "two words", "C", "", "D", "x=y")),
                new Accepted("passAuthorization", "TRUE", CgiConfig::passAuthorization, true),
                new Accepted("passAuthorization", "false", CgiConfig::passAuthorization, false),
                new Accepted(
                        "allowedMethods",
                        "GET, PUT,PROPFIND",
                        CgiConfig::allowedMethods,
                        Set.of("GET", "PUT", "PROPFIND")),
                new Accepted("timeout", "500ms", CgiConfig::timeout, Duration.ofMillis(500)),
                new Accepted("timeout", "30s", CgiConfig::timeout, Duration.ofSeconds(30)),
                new Accepted("timeout", "2m", CgiConfig::timeout, Duration.ofMinutes(2)),
                new Accepted("timeout", "45", CgiConfig::timeout, Duration.ofSeconds(45)),
                new Accepted("timeout", "10S", CgiConfig::timeout, Duration.ofSeconds(10)),
                new Accepted("writeTimeout", "1500ms", CgiConfig::writeTimeout, Duration.ofMillis(1500)),
                new Accepted("writeTimeout", "2m", CgiConfig::writeTimeout, Duration.ofMinutes(2)),
                new Accepted("queueTimeout", "250ms", CgiConfig::queueTimeout, Duration.ofMillis(250)),
                new Accepted("maxConcurrent", "1", CgiConfig::maxConcurrent, 1),
                new Accepted("maxQueued", "0", CgiConfig::maxQueued, 0),
                new Accepted("maxHeaderBytes", "1024", CgiConfig::maxHeaderBytes, 1024),
                new Accepted("chunkedBody", " Stream ", CgiConfig::chunkedBody, ChunkedBody.STREAM),
                new Accepted("chunkedBody", "spool", CgiConfig::chunkedBody, ChunkedBody.SPOOL),
                new Accepted(
                        "requireExecutable", "true", CgiConfig::requireExecutable, CgiConfig.RequireExecutable.TRUE),
                new Accepted(
                        "requireExecutable",
                        " False ",
                        CgiConfig::requireExecutable,
                        CgiConfig.RequireExecutable.FALSE),
                new Accepted("maxSpoolBytes", "1048576", CgiConfig::maxSpoolBytes, 1048576L),
                new Accepted("clientBodyTimeout", "5s", CgiConfig::clientBodyTimeout, Duration.ofSeconds(5)),
                new Accepted("spoolMemoryBytes", "1024", CgiConfig::spoolMemoryBytes, 1024L),
                new Accepted("spoolDiskBytes", "0", CgiConfig::spoolDiskBytes, 0L),
                new Accepted("maxSpooling", "3", CgiConfig::maxSpooling, 3),
                new Accepted("requestBuffering", "false", CgiConfig::requestBuffering, false),
                new Accepted("requestBuffering", " FALSE ", CgiConfig::requestBuffering, false),
                new Accepted("requestBuffering", "true", CgiConfig::requestBuffering, true),
                new Accepted("queryArguments", "true", CgiConfig::queryArguments, true),
                new Accepted("maxStderrLines", "0", CgiConfig::maxStderrLines, 0),
                new Accepted(
                        "interpreters",
                        ".cgi=perl -T",
                        c -> c.interpreters().forExtension(Path.of("x.cgi")),
                        List.of("perl", "-T")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(Accepted a) {
        assertEquals(a.expected(), a.read().apply(parse(a.param(), a.value())));
    }

    record Invalid(String param, String value) {
        @Override
        public String toString() {
            return param + "=" + value.replace("\n", "\\n");
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("timeout", "abc"),
                new Invalid("timeout", "0s"),
                new Invalid("timeout", "-5s"),
                new Invalid("timeout", "1.5s"),
                new Invalid("timeout", "10h"),
                new Invalid("writeTimeout", "0ms"),
                new Invalid("writeTimeout", "never"),
                new Invalid("queueTimeout", "soon"),
                new Invalid("maxConcurrent", "0"),
                new Invalid("maxConcurrent", "-1"),
                new Invalid("maxConcurrent", "many"),
                new Invalid("maxQueued", "-1"),
                new Invalid("maxHeaderBytes", "0"),
                new Invalid("maxSpoolBytes", "64MB"),
                new Invalid("maxStderrLines", "-1"),
                new Invalid("chunkedBody", "maybe"),
                new Invalid("requireExecutable", "sometimes"),
                new Invalid("allowedMethods", "get"),
                new Invalid("allowedMethods", "GET,post"),
                new Invalid("passAuthorization", "yes"),
                new Invalid("queryArguments", "1"),
                new Invalid("requestBuffering", "off"),
                new Invalid("requestBuffering", "0"),
                new Invalid("environment", "NOEQUALS"),
                new Invalid("environment", "A=1\nnot a pair"),
                new Invalid("environment", "=value"),
                new Invalid("interpreters", "perl"),
                new Invalid("deny", "/bin/ /"),
                new Invalid("denyStatus", "410"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsNamingTheInitParam(Invalid i) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(i.param(), i.value()));
        String prefix = "init-param " + i.param() + "='" + i.value().strip() + "' is invalid: ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(e.getMessage().length() > prefix.length(), "says why: " + e.getMessage());
    }

    @Test
    void environmentLineWithoutEqualsIsQuotedInTheMessage() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse("environment", "A=1\nNOEQUALS"));
        assertEquals(
                "init-param environment='A=1\nNOEQUALS' is invalid: expected NAME=value lines, got 'NOEQUALS'",
                e.getMessage());
    }

    @Test
    void negativeSpoolLimitIsRejected() {
        // -1 would make every chunked request, even an empty one, exceed the spool limit (413)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("maxSpoolBytes", "-1"));
        assertTrue(e.getMessage().startsWith("init-param maxSpoolBytes='-1' is invalid: "), e.getMessage());
    }

    @Test
    void headerLimitBelowWhatTheParserAcceptsIsRejectedAtInit() {
        // CgiHeaderParser refuses maxBytes < 16; accepted here, every request would fail with 500
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("maxHeaderBytes", "8"));
        assertTrue(e.getMessage().startsWith("init-param maxHeaderBytes='8' is invalid: "), e.getMessage());
    }
}
