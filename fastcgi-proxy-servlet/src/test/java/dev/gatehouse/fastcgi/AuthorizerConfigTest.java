package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.fastcgi.client.BackendAddress;
import dev.gatehouse.fastcgi.client.Balancing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AuthorizerConfigTest {

    private static AuthorizerConfig parse(Map<String, String> params) {
        return AuthorizerConfig.parse(params::get);
    }

    @Test
    void defaults() {
        AuthorizerConfig c = parse(Map.of());
        assertEquals(List.of(new BackendAddress.Tcp("127.0.0.1", 9001)), c.backends());
        assertEquals(true, c.passAuthorization(), "an authorizer needs the credentials");
        assertEquals("", c.attributePrefix());
        assertEquals(Map.of(), c.params());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(10), c.readTimeout());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertEquals(16, c.maxConnections());
        assertEquals(256, c.maxQueued());
        assertEquals(Duration.ofSeconds(5), c.queueTimeout());
        assertEquals(Balancing.ROUND_ROBIN, c.balancing());
        assertEquals(65536, c.maxHeaderBytes());
        assertEquals(65536, c.maxDenialBytes());
        assertEquals("5", c.retryAfter());
    }

    @Test
    void everyParameterSet() {
        AuthorizerConfig c = parse(Map.ofEntries(
                Map.entry("backend", "unix:/run/auth.sock, 127.0.0.1:9002"),
                Map.entry("passAuthorization", "false"),
                Map.entry("attributePrefix", "auth."),
                Map.entry("params", "REALM=staff"),
                Map.entry("connectTimeout", "1s"),
                Map.entry("readTimeout", "3s"),
                Map.entry("idleTimeout", "20s"),
                Map.entry("maxConnections", "2"),
                Map.entry("maxQueued", "0"),
                Map.entry("queueTimeout", "1500ms"),
                Map.entry("balancing", "leastBusy"),
                Map.entry("maxHeaderBytes", "1024"),
                Map.entry("maxDenialBytes", "0")));
        assertEquals(2, c.backends().size());
        assertEquals(false, c.passAuthorization());
        assertEquals("auth.", c.attributePrefix());
        assertEquals(Map.of("REALM", "staff"), c.params());
        assertEquals(Duration.ofSeconds(3), c.readTimeout());
        assertEquals(2, c.maxConnections());
        assertEquals(Balancing.LEAST_BUSY, c.balancing());
        assertEquals(0, c.maxDenialBytes());
        assertEquals("2", c.retryAfter());
        assertEquals(2, c.clientConfig().maxConnectionsPerBackend());
        assertEquals(Balancing.LEAST_BUSY, c.clientConfig().balancing(), "reaches the client");
    }

    record Invalid(String param, String value, String message) {}

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("backend", ",", "init-param backend=',' is invalid"),
                new Invalid("passAuthorization", "yes", "expected true or false"),
                new Invalid("attributePrefix", "a b", "expected no whitespace"),
                new Invalid("maxConnections", "0", "at least 1"),
                new Invalid("maxHeaderBytes", "8", "at least 16"),
                new Invalid("maxDenialBytes", "-1", "at least 0"),
                new Invalid("balancing", "random", "roundRobin or leastBusy"),
                new Invalid("readTimeout", "soon", "init-param readTimeout='soon' is invalid"));
    }

    @ParameterizedTest
    @MethodSource
    void invalid(Invalid row) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(row.param(), row.value())));
        assertTrue(e.getMessage().contains(row.message()), e.getMessage());
    }
}
