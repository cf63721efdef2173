package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.client.Balancing;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig;
import dev.gatehouse.servlet.path.SymlinkPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proxy's typed API and its init-params are one model: equal configs (proxy and managed
 * backend) from the same settings, the init-param's message for a bad typed value, and a setter
 * for every init-param the parsers read.
 */
class FastCgiProxyServletBuilderTest {

    @TempDir
    Path linked;

    @Test
    void everyProxySettingGivesTheConfigOfItsInitParam() {
        FastCgiProxyServletBuilder builder = FastCgiProxyServlet.builder()
                .backend("127.0.0.1:9100", "unix:/run/php/fpm.sock")
                .documentRoot(Path.of("/srv/www"))
                .scriptPattern(Pattern.compile("(?i).+\\.php"))
                .frontController("/index.php")
                .indexFile("main.php")
                .deny(List.of("/bin/", "*.ini"))
                .denyStatus(403)
                .followSymlinks(SymlinkPolicy.Mode.ALL)
                .linkTargets(List.of(linked))
                .passAuthorization(true)
                .params(Map.of("HTTPS", "on"))
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofMillis(2500))
                .idleTimeout(Duration.ofMinutes(3))
                .maxConnections(4)
                .maxQueued(1)
                .queueTimeout(Duration.ofSeconds(1))
                .balancing(Balancing.LEAST_BUSY)
                .requestBuffering(false)
                .maxSpoolBytes(10)
                .maxHeaderBytes(2048)
                .responseBuffering(false)
                .maxResponseBufferBytes(20)
                .sendTimeout(Duration.ofSeconds(11))
                .clientBodyTimeout(Duration.ofSeconds(12))
                .spoolMemoryBytes(30)
                .spoolDiskBytes(40)
                .maxSpooling(2);
        Map<String, String> initParams = new LinkedHashMap<>();
        initParams.put("backend", "127.0.0.1:9100, unix:/run/php/fpm.sock");
        initParams.put("documentRoot", "/srv/www");
        initParams.put("scriptPattern", "(?i).+\\.php");
        initParams.put("frontController", "/index.php");
        initParams.put("indexFile", "main.php");
        initParams.put("deny", "/bin/,*.ini");
        initParams.put("denyStatus", "403");
        initParams.put("followSymlinks", "all");
        initParams.put("linkTargets", linked.toString());
        initParams.put("passAuthorization", "true");
        initParams.put("params", "HTTPS=on");
        initParams.put("connectTimeout", "2s");
        initParams.put("readTimeout", "2500ms");
        initParams.put("idleTimeout", "3m");
        initParams.put("maxConnections", "4");
        initParams.put("maxQueued", "1");
        initParams.put("queueTimeout", "1");
        initParams.put("balancing", "leastBusy");
        initParams.put("requestBuffering", "false");
        initParams.put("maxSpoolBytes", "10");
        initParams.put("maxHeaderBytes", "2048");
        initParams.put("responseBuffering", "false");
        initParams.put("maxResponseBufferBytes", "20");
        initParams.put("sendTimeout", "11s");
        initParams.put("clientBodyTimeout", "12s");
        initParams.put("spoolMemoryBytes", "30");
        initParams.put("spoolDiskBytes", "40");
        initParams.put("maxSpooling", "2");

        FastCgiConfig typed = builder.config();

        assertSameConfig(FastCgiConfig.parse(initParams::get), typed);
        assertEquals(initParams.keySet(), builder.initParameters().keySet());
        assertNotEquals(FastCgiConfig.parse(name -> null).documentRoot(), typed.documentRoot());
        assertEquals(FastCgiProxyServlet.class, builder.build().getClass());
    }

    @Test
    void everyManagedBackendSettingGivesTheConfigOfItsInitParam() {
        FastCgiProxyServletBuilder builder = FastCgiProxyServlet.builder()
                .managedBackend(ManagedBackendConfig.Kind.COMMAND)
                .backendCommand("uwsgi --fastcgi-socket {address} --processes {children}")
                .backendChildren(6)
                .maxConnections(4)
                .backendMaxRequests(500)
                .backendListen(ManagedBackendConfig.Listen.TCP)
                .backendStartTimeout(Duration.ofSeconds(20))
                .backendStopTimeout(Duration.ofMillis(750))
                .backendIni(Map.of("memory_limit", "64M"))
                .backendEnv(Map.of("APP_ENV", "test"));
        Map<String, String> initParams = Map.of(
                "managedBackend", "command",
                "backendCommand", "uwsgi --fastcgi-socket {address} --processes {children}",
                "backendChildren", "6",
                "maxConnections", "4",
                "backendMaxRequests", "500",
                "backendListen", "tcp",
                "backendStartTimeout", "20s",
                "backendStopTimeout", "750ms",
                "backendIni", "memory_limit=64M",
                "backendEnv", "APP_ENV=test");

        assertEquals(ManagedBackendConfig.parse(initParams::get), builder.managedBackendConfig());
        assertSameConfig(FastCgiConfig.parse(initParams::get), builder.config());
    }

    @Test
    void noSettingGivesTheDefaults() {
        assertSameConfig(
                FastCgiConfig.parse(name -> null), FastCgiProxyServlet.builder().config());
        assertEquals(null, FastCgiProxyServlet.builder().managedBackendConfig());
    }

    record Invalid(String why, UnaryOperator<FastCgiProxyServletBuilder> setting, Map<String, String> initParams) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("bad backend", b -> b.backend("nowhere"), Map.of("backend", "nowhere")),
                new Invalid("relative document root", b -> b.documentRoot("www"), Map.of("documentRoot", "www")),
                new Invalid("bad regex", b -> b.scriptPattern("(.php"), Map.of("scriptPattern", "(.php")),
                new Invalid(
                        "hidden front controller",
                        b -> b.frontController("/.index.php"),
                        Map.of("frontController", "/.index.php")),
                new Invalid("zero read timeout", b -> b.readTimeout(Duration.ZERO), Map.of("readTimeout", "0s")),
                new Invalid("no connection", b -> b.maxConnections(0), Map.of("maxConnections", "0")),
                new Invalid("negative spool", b -> b.maxSpoolBytes(-1), Map.of("maxSpoolBytes", "-1")),
                new Invalid(
                        "command without address",
                        b -> b.managedBackend(ManagedBackendConfig.Kind.COMMAND).backendCommand("uwsgi"),
                        Map.of("managedBackend", "command", "backendCommand", "uwsgi")),
                new Invalid(
                        "backend with a managed one",
                        b -> b.managedBackend(ManagedBackendConfig.Kind.PHP_FPM).backend("127.0.0.1:9000"),
                        Map.of("managedBackend", "php-fpm", "backend", "127.0.0.1:9000")),
                new Invalid(
                        "pool above the children",
                        b -> b.managedBackend(ManagedBackendConfig.Kind.PHP_FPM)
                                .backendChildren(2)
                                .maxConnections(3),
                        Map.of("managedBackend", "php-fpm", "backendChildren", "2", "maxConnections", "3")));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void aBadTypedValueFailsAtBuildWithTheInitParamsMessage(Invalid c) {
        IllegalArgumentException fromInitParams = assertThrows(IllegalArgumentException.class, () -> {
            ManagedBackendConfig.parse(c.initParams()::get);
            FastCgiConfig.parse(c.initParams()::get);
        });
        IllegalArgumentException fromBuilder = assertThrows(
                IllegalArgumentException.class,
                () -> c.setting().apply(FastCgiProxyServlet.builder()).build());

        assertEquals(fromInitParams.getMessage(), fromBuilder.getMessage());
        assertTrue(
                fromBuilder.getMessage().contains("init-param")
                        || fromBuilder.getMessage().contains("managedBackend"),
                fromBuilder.getMessage());
    }

    @Test
    void aPatternWithFlagsIsRefusedSinceTheInitParamCannotCarryThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastCgiProxyServlet.builder()
                .scriptPattern(Pattern.compile(".+\\.php", Pattern.CASE_INSENSITIVE)));
        assertEquals(
                "init-param scriptPattern='.+\\.php' is invalid: give flags inline, such as (?i), not as Pattern.compile flags",
                e.getMessage());
    }

    /** The drift guard: a new init-param without its setter (or a setter for none) fails here. */
    @Test
    void thereIsOneSetterPerInitParam() {
        Set<String> read = new TreeSet<>();
        FastCgiConfig.parse(name -> {
            read.add(name);
            return null;
        });
        ManagedBackendConfig.parse(name -> {
            read.add(name);
            return name.equals("managedBackend") ? "php-fpm" : null;
        });
        assertEquals(read, setters(FastCgiProxyServletBuilder.class));
    }

    static Set<String> setters(Class<?> builder) {
        return Arrays.stream(builder.getMethods())
                .filter(m -> m.getReturnType() == builder && !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Record equality, component by component, except that a {@link Pattern} (which has no value
     * equality) compares by its expression and flags.
     */
    static void assertSameConfig(Record expected, Record actual) {
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            assertEquals(comparable(value(c, expected)), comparable(value(c, actual)), c.getName());
        }
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object comparable(Object value) {
        return value instanceof Pattern p ? List.of(p.pattern(), p.flags()) : value;
    }
}
