package dev.gatehouse.fastcgi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Backend#parse}, {@link ClientConfig} validation and {@link Balancing}'s names, as tables. */
class BackendAndConfigTest {

    record Accepted(String text, SocketAddress address) {}

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("127.0.0.1:9000", new InetSocketAddress("127.0.0.1", 9000)),
                new Accepted(" localhost:9001 ", new InetSocketAddress("localhost", 9001)),
                new Accepted("[::1]:9002", new InetSocketAddress("::1", 9002)),
                new Accepted(
                        "unix:/run/php/php-fpm.sock", UnixDomainSocketAddress.of(Path.of("/run/php/php-fpm.sock"))));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void parses(Accepted row) {
        assertEquals(row.address(), Backend.parse(row.text()).address());
        assertEquals(row.text().strip(), Backend.parse(row.text()).name());
    }

    record Opened(String text, boolean tcp) {}

    static Stream<Opened> opened() {
        return Stream.of(new Opened("127.0.0.1:9000", true), new Opened("unix:/run/php/php-fpm.sock", false));
    }

    /** Without TCP_NODELAY, a request's last record waited for php-fpm's delayed ACK (40 ms). */
    @ParameterizedTest
    @MethodSource("opened")
    void opensTcpChannelsWithoutNagleDelay(Opened row) throws IOException {
        try (SocketChannel channel = Backend.parse(row.text()).openChannel()) {
            assertFalse(channel.isConnected());
            assertEquals(row.tcp(), channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY));
            if (row.tcp()) {
                assertTrue(channel.getOption(StandardSocketOptions.TCP_NODELAY));
            }
        }
    }

    record Rejected(String text, String why) {}

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("127.0.0.1", "no host or no port"),
                new Rejected(":9000", "no host or no port"),
                new Rejected("127.0.0.1:", "no host or no port"),
                new Rejected("127.0.0.1:php", "the port is not a number"),
                new Rejected("127.0.0.1:0", "the port must be 1-65535"),
                new Rejected("127.0.0.1:65536", "the port must be 1-65535"),
                new Rejected("::1:9000", "an IPv6 address must be in brackets"),
                new Rejected("unix:", "the socket path is empty"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejects(Rejected row) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse(row.text()));
        assertTrue(e.getMessage().contains(row.why()), e.getMessage());
        assertTrue(e.getMessage().contains("expected host:port"), e.getMessage());
    }

    record Invalid(String name, Supplier<ClientConfig> config) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalidConfigs() {
        ClientConfig d = ClientConfig.defaults();
        return Stream.of(
                new Invalid("connectTimeout", () -> d.withConnectTimeout(Duration.ZERO)),
                new Invalid("readTimeout", () -> d.withReadTimeout(Duration.ofSeconds(-1))),
                new Invalid("idleTimeout", () -> d.withIdleTimeout(Duration.ZERO)),
                new Invalid("queueTimeout", () -> d.withQueueTimeout(Duration.ZERO)),
                new Invalid("maxConnectionsPerBackend", () -> d.withMaxConnectionsPerBackend(0)),
                new Invalid("maxQueued", () -> d.withMaxQueued(-1)),
                new Invalid("unhealthyFor", () -> d.withUnhealthyFor(Duration.ofSeconds(-1))));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void rejectsInvalidConfigurationNamingTheComponent(Invalid row) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> row.config().get());
        assertTrue(e.getMessage().startsWith(row.name()), e.getMessage());
    }

    record Named(Balancing balancing, String paramValue) {}

    static Stream<Named> balancingNames() {
        return Stream.of(new Named(Balancing.ROUND_ROBIN, "roundRobin"), new Named(Balancing.LEAST_BUSY, "leastBusy"));
    }

    /** The init-param {@code balancing} of the servlet and the filter names a strategy so. */
    @ParameterizedTest
    @MethodSource("balancingNames")
    void balancingIsNamedByItsInitParamValue(Named row) {
        assertEquals(row.paramValue(), row.balancing().paramValue());
        assertEquals(row.balancing(), Balancing.parse(row.paramValue()));
        assertEquals(row.balancing(), Balancing.parse(row.paramValue().toUpperCase(Locale.ROOT)));
        assertEquals(Balancing.values().length, balancingNames().count());
    }

    @Test
    void balancingRefusesOtherNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Balancing.parse("random"));
        assertEquals("expected roundRobin or leastBusy", e.getMessage());
    }
}
