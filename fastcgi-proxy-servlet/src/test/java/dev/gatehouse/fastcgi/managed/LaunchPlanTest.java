package dev.gatehouse.fastcgi.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Kind;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LaunchPlanTest {

    private static final Path DIR = Path.of("/tmp/gatehouse-fcgi-1");
    private static final BackendAddress SOCKET = new BackendAddress.Unix(DIR.resolve("fcgi.sock"));
    private static final BackendAddress TCP = new BackendAddress.Tcp("127.0.0.1", 9123);

    private static ManagedBackendConfig config(Map<String, String> params) {
        return ManagedBackendConfig.parse(params::get);
    }

    record Case(
            String name,
            Map<String, String> params,
            BackendAddress address,
            boolean root,
            List<String> argv,
            Map<String, String> env) {}

    static Stream<Case> plans() {
        return Stream.of(
                new Case(
                        "php-fpm, unix socket, not root",
                        Map.of("managedBackend", "php-fpm", "backendChildren", "3"),
                        SOCKET,
                        false,
                        List.of("/usr/sbin/php-fpm8.2", "-F", "-y", "/tmp/gatehouse-fcgi-1/php-fpm.conf"),
                        Map.of("PATH", "/usr/bin")),
                new Case(
                        "php-fpm as root with ini overrides",
                        Map.of("managedBackend", "php-fpm", "backendIni", "memory_limit=64M\ndisplay_errors=0"),
                        TCP,
                        true,
                        List.of(
                                "/usr/sbin/php-fpm8.2",
                                "-F",
                                "-y",
                                "/tmp/gatehouse-fcgi-1/php-fpm.conf",
                                "-R",
                                "-d",
                                "memory_limit=64M",
                                "-d",
                                "display_errors=0"),
                        Map.of("PATH", "/usr/bin")),
                new Case(
                        "php-cgi on a socket",
                        Map.of("managedBackend", "php-cgi", "maxConnections", "4", "backendEnv", "APP=1"),
                        SOCKET,
                        true,
                        List.of("/usr/bin/php-cgi8.2", "-b", "/tmp/gatehouse-fcgi-1/fcgi.sock"),
                        Map.of("PATH", "/usr/bin", "APP", "1", "PHP_FCGI_CHILDREN", "4", "PHP_FCGI_MAX_REQUESTS", "0")),
                new Case(
                        "php-cgi on TCP, recycled workers",
                        Map.of("managedBackend", "php-cgi", "backendMaxRequests", "500", "backendIni", "a.b=c"),
                        TCP,
                        false,
                        List.of("/usr/bin/php-cgi8.2", "-b", "127.0.0.1:9123", "-d", "a.b=c"),
                        Map.of("PATH", "/usr/bin", "PHP_FCGI_CHILDREN", "16", "PHP_FCGI_MAX_REQUESTS", "500")),
                new Case(
                        "command with placeholders and quotes",
                        Map.of(
                                "managedBackend",
                                "command",
                                "backendCommand",
                                "spawn-fcgi -n -s {address} -F {children} -- '/opt/my app/fcgi' \"a b\"",
                                "backendChildren",
                                "2"),
                        SOCKET,
                        true,
                        List.of(
                                "spawn-fcgi",
                                "-n",
                                "-s",
                                "/tmp/gatehouse-fcgi-1/fcgi.sock",
                                "-F",
                                "2",
                                "--",
                                "/opt/my app/fcgi",
                                "a b"),
                        Map.of("PATH", "/usr/bin")));
    }

    @ParameterizedTest
    @MethodSource("plans")
    void plans(Case c) {
        ManagedBackendConfig config = config(c.params());
        Path program = config.kind() == Kind.PHP_FPM ? Path.of("/usr/sbin/php-fpm8.2") : Path.of("/usr/bin/php-cgi8.2");
        LaunchPlan plan = LaunchPlan.of(config, config.kind(), program, DIR, c.address(), "/usr/bin", c.root());
        assertEquals(c.argv(), plan.argv(), c.name());
        assertEquals(c.env(), plan.environment(), c.name());
    }

    @Test
    void phpFpmConfigurationListensOnTheAddressWithTheChildren() {
        ManagedBackendConfig config =
                config(Map.of("managedBackend", "php-fpm", "backendChildren", "3", "backendEnv", "APP_ENV=prod"));
        LaunchPlan plan = LaunchPlan.of(config, Kind.PHP_FPM, Path.of("/usr/sbin/php-fpm"), DIR, SOCKET, null, false);
        String conf = plan.files().get(LaunchPlan.FPM_CONFIG);
        assertTrue(conf.contains("\nlisten = /tmp/gatehouse-fcgi-1/fcgi.sock\nlisten.mode = 0600\n"), conf);
        assertTrue(conf.contains("\npm = static\npm.max_children = 3\n"), conf);
        assertTrue(conf.contains("\ndaemonize = no\n"), conf);
        assertTrue(conf.contains("\nerror_log = /proc/self/fd/2\n"), conf);
        assertTrue(conf.contains("pid = /tmp/gatehouse-fcgi-1/php-fpm.pid\n"), conf);
        assertTrue(conf.contains("\nenv[APP_ENV] = prod\n"), conf);
        assertTrue(!conf.contains("clear_env"), "clear_env stays at its default (yes): " + conf);
        assertEquals(Map.of(), plan.environment(), "no PATH given, nothing inherited");
    }

    @Test
    void wordsSplitLikeAShellWithoutExpansion() {
        assertEquals(List.of("a", "b c", "d'e", "fg"), LaunchPlan.words("  a 'b c' \"d'e\" f\"g\" "));
        assertEquals(List.of(""), LaunchPlan.words("''"));
        assertThrows(IllegalArgumentException.class, () -> LaunchPlan.words("a 'b"));
        assertThrows(IllegalArgumentException.class, () -> LaunchPlan.words("   "));
    }

    @Test
    void autoIsResolvedFirst() {
        ManagedBackendConfig config = config(new HashMap<>(Map.of("managedBackend", "auto")));
        assertThrows(
                IllegalArgumentException.class, () -> LaunchPlan.of(config, Kind.AUTO, null, DIR, SOCKET, null, false));
    }
}
