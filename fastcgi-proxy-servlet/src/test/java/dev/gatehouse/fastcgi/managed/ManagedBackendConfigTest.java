package dev.gatehouse.fastcgi.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Kind;
import dev.gatehouse.fastcgi.managed.ManagedBackendConfig.Listen;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ManagedBackendConfigTest {

    private static ManagedBackendConfig parse(Map<String, String> params) {
        return ManagedBackendConfig.parse(params::get);
    }

    @Test
    void absentOrNoneMeansNoManagedBackend() {
        assertNull(parse(Map.of()));
        assertNull(parse(Map.of("managedBackend", "none", "backend", "127.0.0.1:9000")));
        assertNull(parse(Map.of("managedBackend", " ")));
    }

    @Test
    void defaults() {
        ManagedBackendConfig c = parse(Map.of("managedBackend", "php-fpm"));
        assertEquals(Kind.PHP_FPM, c.kind());
        assertNull(c.command());
        assertEquals(16, c.children());
        assertEquals(16, c.poolSize());
        assertEquals(0, c.maxRequests());
        assertEquals(Listen.UNIX, c.listen());
        assertEquals(Duration.ofSeconds(10), c.startTimeout());
        assertEquals(Duration.ofSeconds(5), c.stopTimeout());
        assertEquals(Map.of(), c.ini());
        assertEquals(Map.of(), c.env());
    }

    @Test
    void everyParameterSet() {
        ManagedBackendConfig c = parse(Map.ofEntries(
                Map.entry("managedBackend", "PHP-CGI"),
                Map.entry("backendCommand", "/opt/php/bin/php-cgi"),
                Map.entry("backendChildren", "6"),
                Map.entry("maxConnections", "4"),
                Map.entry("backendMaxRequests", "500"),
                Map.entry("backendListen", "tcp"),
                Map.entry("backendStartTimeout", "3s"),
                Map.entry("backendStopTimeout", "500ms"),
                Map.entry("backendIni", "memory_limit=64M\nopcache.enable=1"),
                Map.entry("backendEnv", "APP_ENV=prod")));
        assertEquals(Kind.PHP_CGI, c.kind());
        assertEquals("/opt/php/bin/php-cgi", c.command());
        assertEquals(6, c.children());
        assertEquals(4, c.poolSize());
        assertEquals(500, c.maxRequests());
        assertEquals(Listen.TCP, c.listen());
        assertEquals(Duration.ofSeconds(3), c.startTimeout());
        assertEquals(Duration.ofMillis(500), c.stopTimeout());
        assertEquals(Map.of("memory_limit", "64M", "opcache.enable", "1"), c.ini());
        assertEquals(Map.of("APP_ENV", "prod"), c.env());
    }

    /** The pool follows the workers: a kept-alive idle connection pins one. */
    record Sizing(String maxConnections, String backendChildren, int children, int poolSize) {}

    static Stream<Sizing> sizing() {
        return Stream.of(
                new Sizing(null, null, 16, 16),
                new Sizing("4", null, 4, 4),
                new Sizing(null, "32", 32, 32),
                new Sizing("2", "8", 8, 2),
                new Sizing("8", "8", 8, 8));
    }

    @ParameterizedTest
    @MethodSource
    void sizing(Sizing s) {
        Map<String, String> params = new java.util.HashMap<>(Map.of("managedBackend", "php-fpm"));
        if (s.maxConnections() != null) {
            params.put("maxConnections", s.maxConnections());
        }
        if (s.backendChildren() != null) {
            params.put("backendChildren", s.backendChildren());
        }
        ManagedBackendConfig c = parse(params);
        assertEquals(s.children(), c.children());
        assertEquals(s.poolSize(), c.poolSize());
    }

    record Invalid(Map<String, String> params, String message) {}

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid(Map.of("managedBackend", "fpm"), "managedBackend='fpm' is invalid: expected none, php-fpm"),
                new Invalid(
                        Map.of("managedBackend", "php-fpm", "backend", "127.0.0.1:9000"),
                        "init-param backend is generated when managedBackend=php-fpm"),
                new Invalid(
                        Map.of("managedBackend", "php-fpm", "maxConnections", "8", "backendChildren", "4"),
                        "maxConnections=8 exceeds backendChildren=4"),
                new Invalid(Map.of("managedBackend", "command"), "needs backendCommand, a command line with {address}"),
                new Invalid(
                        Map.of("managedBackend", "command", "backendCommand", "spawn-fcgi -n -- app"),
                        "with {address}"),
                new Invalid(Map.of("managedBackend", "php-cgi", "backendChildren", "0"), "backendChildren='0'"),
                new Invalid(Map.of("managedBackend", "php-cgi", "backendListen", "udp"), "expected unix or tcp"),
                new Invalid(Map.of("managedBackend", "php-cgi", "backendStartTimeout", "0s"), "backendStartTimeout"),
                new Invalid(Map.of("managedBackend", "php-cgi", "backendIni", "a b=1"), "not a plain name"),
                new Invalid(Map.of("managedBackend", "php-cgi", "backendIni", "novalue"), "expected NAME=value"));
    }

    @ParameterizedTest
    @MethodSource
    void invalid(Invalid i) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(i.params()));
        assertTrue(e.getMessage().contains(i.message()), e.getMessage());
    }

    @Test
    void autoKeepsBackendAsTheFallback() {
        ManagedBackendConfig c = parse(Map.of("managedBackend", "auto", "backend", "127.0.0.1:9000"));
        assertEquals(Kind.AUTO, c.kind());
    }
}
