package dev.gatehouse.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.cgi.CgiConfig.ChunkedBody;
import dev.gatehouse.cgi.CgiConfig.RequireExecutable;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed API and the init-params are one model: the builder's settings parse into a config
 * equal to the one the same init-params give, and a bad typed value fails at {@code build()}
 * with the very message the init-param gives at deployment.
 */
class CgiServletBuilderTest {

    @TempDir
    Path linked;

    @Test
    void everySettingGivesTheConfigOfItsInitParam() {
        CgiServletBuilder builder = CgiServlet.builder()
                .scriptRoot(Path.of("/srv/cgi"))
                .program(Path.of("/usr/lib/git-core/git-http-backend"))
                .interpreters(Map.of(".pl", "perl -T", ".py", ""))
                .passEnv(List.of("PATH", "TZ"))
                .environment(Map.of("APP_ENV", "prod", "GIT_PROJECT_ROOT", "/srv/git"))
                .passAuthorization(true)
                .allowedMethods(List.of("GET", "PUT"))
                .deny(List.of("/bin/", "vendor/", "*.ini"))
                .denyStatus(403)
                .followSymlinks(SymlinkPolicy.Mode.OWNER_MATCH)
                .linkTargets(List.of(linked))
                .timeout(Duration.ofMillis(1500))
                .writeTimeout(Duration.ofMinutes(2))
                .maxConcurrent(3)
                .maxQueued(0)
                .queueTimeout(Duration.ofSeconds(7))
                .maxHeaderBytes(4096)
                .chunkedBody(ChunkedBody.STREAM)
                .maxSpoolBytes(1024)
                .requestBuffering(false)
                .clientBodyTimeout(Duration.ofSeconds(9))
                .spoolMemoryBytes(2048)
                .spoolDiskBytes(4096)
                .maxSpooling(5)
                .queryArguments(true)
                .maxStderrLines(7)
                .requireExecutable(RequireExecutable.TRUE)
                .processGroup(true);
        Map<String, String> initParams = new LinkedHashMap<>();
        initParams.put("scriptRoot", "/srv/cgi");
        initParams.put("program", "/usr/lib/git-core/git-http-backend");
        initParams.put("interpreters", ".py=, .pl=perl -T");
        initParams.put("passEnv", "PATH, TZ");
        initParams.put("environment", "APP_ENV=prod\nGIT_PROJECT_ROOT=/srv/git");
        initParams.put("passAuthorization", "true");
        initParams.put("allowedMethods", "GET,PUT");
        initParams.put("deny", "/bin/ vendor/ *.ini");
        initParams.put("denyStatus", "403");
        initParams.put("followSymlinks", "ownerMatch");
        initParams.put("linkTargets", linked.toString());
        initParams.put("timeout", "1500ms");
        initParams.put("writeTimeout", "2m");
        initParams.put("maxConcurrent", "3");
        initParams.put("maxQueued", "0");
        initParams.put("queueTimeout", "7");
        initParams.put("maxHeaderBytes", "4096");
        initParams.put("chunkedBody", "stream");
        initParams.put("maxSpoolBytes", "1024");
        initParams.put("requestBuffering", "false");
        initParams.put("clientBodyTimeout", "9s");
        initParams.put("spoolMemoryBytes", "2048");
        initParams.put("spoolDiskBytes", "4096");
        initParams.put("maxSpooling", "5");
        initParams.put("queryArguments", "true");
        initParams.put("maxStderrLines", "7");
        initParams.put("requireExecutable", "true");
        initParams.put("processGroup", "true");

        CgiConfig typed = builder.config();
        CgiConfig parsed = CgiConfig.parse(initParams::get);

        assertEquals(parsed, typed);
        assertNotEquals(CgiConfig.parse(name -> null), typed, "every setting differs from its default");
        assertEquals(initParams.keySet(), builder.initParameters().keySet());
    }

    @Test
    void noSettingGivesTheDefaults() {
        assertEquals(CgiConfig.parse(name -> null), CgiServlet.builder().config());
    }

    @Test
    void nullRestoresTheDefault() {
        CgiServletBuilder builder = CgiServlet.builder()
                .timeout(Duration.ofSeconds(5))
                .timeout(null)
                .scriptRoot((Path) null);
        assertEquals(Map.of(), builder.initParameters());
    }

    /** A bad typed value, and the init-param that says the same. */
    record Invalid(String why, UnaryOperator<CgiServletBuilder> setting, String name, String value) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("negative timeout", b -> b.timeout(Duration.ofSeconds(-5)), "timeout", "-5s"),
                new Invalid("zero queueTimeout", b -> b.queueTimeout(Duration.ZERO), "queueTimeout", "0s"),
                new Invalid("no slot", b -> b.maxConcurrent(0), "maxConcurrent", "0"),
                new Invalid("negative queue", b -> b.maxQueued(-1), "maxQueued", "-1"),
                new Invalid("tiny header block", b -> b.maxHeaderBytes(10), "maxHeaderBytes", "10"),
                new Invalid("status 500", b -> b.denyStatus(500), "denyStatus", "500"),
                new Invalid("lower-case method", b -> b.allowedMethods(List.of("get")), "allowedMethods", "get"),
                new Invalid("dot-dot pattern", b -> b.deny(List.of("../etc")), "deny", "../etc"),
                new Invalid("bad interpreter", b -> b.interpreters(Map.of("pl", "perl")), "interpreters", "pl=perl"),
                new Invalid(
                        "relative link target",
                        b -> b.linkTargets(List.of(Path.of("var/lib"))),
                        "linkTargets",
                        "var/lib"),
                new Invalid(
                        "environment line without a name", b -> b.environment(Map.of(" ", "x")), "environment", "=x"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void aBadTypedValueFailsAtBuildWithTheInitParamsMessage(Invalid c) {
        IllegalArgumentException fromInitParam =
                assertThrows(IllegalArgumentException.class, () -> CgiConfig.parse(Map.of(c.name(), c.value())::get));
        IllegalArgumentException fromBuilder = assertThrows(
                IllegalArgumentException.class,
                () -> c.setting().apply(CgiServlet.builder()).build());

        if (c.why().startsWith("environment")) {
            // the builder refuses what the NAME=value format cannot carry before it is written
            assertEquals(
                    "init-param environment: entry ' ' is invalid: expected a name without = and a value,"
                            + " both without line breaks",
                    fromBuilder.getMessage());
            return;
        }
        assertEquals(fromInitParam.getMessage(), fromBuilder.getMessage());
        assertEquals(true, fromBuilder.getMessage().startsWith("init-param " + c.name()), fromBuilder.getMessage());
    }

    @Test
    void aListItemHoldingTheSeparatorIsRefusedRatherThanSplit() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CgiServlet.builder().deny(List.of("/bin/ /conf/")));
        assertEquals(
                "init-param deny: item '/bin/ /conf/' is invalid: expected a non-blank item without blanks or commas",
                e.getMessage());
    }

    @Test
    void aDurationFinerThanAMillisecondIsRefusedRatherThanRounded() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CgiServlet.builder().timeout(Duration.ofNanos(1_500_000)));
        assertEquals("init-param timeout=PT0.0015S is invalid: expected whole milliseconds", e.getMessage());
    }

    /** The drift guard: a new init-param without its setter (or a setter for none) fails here. */
    @Test
    void thereIsOneSetterPerInitParam() {
        Set<String> read = new TreeSet<>();
        CgiConfig.parse(name -> {
            read.add(name);
            return null;
        });
        assertEquals(read, setters(CgiServletBuilder.class));
    }

    static Set<String> setters(Class<?> builder) {
        return Arrays.stream(builder.getMethods())
                .filter(m -> m.getReturnType() == builder && !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
