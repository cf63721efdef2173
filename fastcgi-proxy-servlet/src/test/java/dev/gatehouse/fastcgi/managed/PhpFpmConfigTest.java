package dev.gatehouse.fastcgi.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PhpFpmConfigTest {

    @Test
    void foregroundStaticPoolOnAUnixSocket() {
        Map<String, String> pool = PhpFpmConfig.staticPool("/tmp/g/fcgi.sock", 4, 0);
        pool.put("env[APP_ENV]", "prod; really");
        String text = new PhpFpmConfig(
                        PhpFpmConfig.foreground(Path.of("/tmp/g/php-fpm.pid"), "/proc/self/fd/2"),
                        List.of(new PhpFpmConfig.Pool("gatehouse", pool)))
                .render();
        assertEquals(
                """
                [global]
                pid = /tmp/g/php-fpm.pid
                error_log = /proc/self/fd/2
                daemonize = no
                log_level = notice

                [gatehouse]
                listen = /tmp/g/fcgi.sock
                listen.mode = 0600
                pm = static
                pm.max_children = 4
                pm.max_requests = 0
                catch_workers_output = yes
                env[APP_ENV] = "prod; really"
                """,
                text);
    }

    @Test
    void tcpPoolHasNoSocketMode() {
        Map<String, String> pool = PhpFpmConfig.staticPool("127.0.0.1:9123", 2, 100);
        assertEquals("127.0.0.1:9123", pool.get("listen"));
        assertEquals(null, pool.get("listen.mode"));
        assertEquals("100", pool.get("pm.max_requests"));
    }

    static Stream<Map<String, String>> injections() {
        return Stream.of(
                Map.of("listen", "/x\n[evil]"),
                Map.of("env[A]", "a\"\nuser = root"),
                Map.of("env[A]", "${HOME}"),
                Map.of("env[A]", "a\0b"),
                Map.of("bad name", "x"),
                Map.of("env[A]\nx", "x"));
    }

    @ParameterizedTest
    @MethodSource("injections")
    void noValueCanAddADirective(Map<String, String> directives) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new PhpFpmConfig.Pool("p", directives));
        assertTrue(e.getMessage().contains("php-fpm directive"), e.getMessage());
    }

    @Test
    void poolNamesArePlain() {
        assertThrows(IllegalArgumentException.class, () -> new PhpFpmConfig.Pool("a]\n[b", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new PhpFpmConfig(Map.of(), List.of()));
    }
}
