package dev.gatehouse.fastcgi.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The validated, immutable configuration of a {@link FastCgiClient}. Each component has a
 * default ({@link #defaults()}) and a {@code with} method returning a copy with it changed.
 *
 * @param connectTimeout the longest a connection attempt may take before the backend counts as
 *     unavailable; default 5 s
 * @param readTimeout the longest the backend may stay silent while a response is awaited (the
 *     request sent, reading not paused by the listener), and while written bytes wait for it to
 *     read them; default 60 s
 * @param idleTimeout how long a kept-alive connection may sit unused in the pool before it is
 *     closed, freeing the backend's worker; default 60 s
 * @param maxConnectionsPerBackend the most connections open to one backend, in use or idle;
 *     lowered to the backend's {@code FCGI_MAX_CONNS} when it answers GET_VALUES; default 8
 * @param maxQueued the most requests waiting for a connection, all backends together; a request
 *     beyond it fails at once with {@link PoolExhaustedException}; default 1000
 * @param queueTimeout the longest a request waits for a connection before it fails with
 *     {@link PoolExhaustedException}; default 10 s
 * @param balancing how a backend is chosen; default {@link Balancing#ROUND_ROBIN}
 * @param unhealthyFor how long a backend that refused a connection is skipped; default 10 s
 */
public record ClientConfig(
        Duration connectTimeout,
        Duration readTimeout,
        Duration idleTimeout,
        int maxConnectionsPerBackend,
        int maxQueued,
        Duration queueTimeout,
        Balancing balancing,
        Duration unhealthyFor) {

    /** The default pool size per backend: the proxy's and a managed backend's {@code maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    public ClientConfig {
        positive("connectTimeout", connectTimeout);
        positive("readTimeout", readTimeout);
        positive("idleTimeout", idleTimeout);
        positive("queueTimeout", queueTimeout);
        Objects.requireNonNull(unhealthyFor, "unhealthyFor");
        if (unhealthyFor.isNegative()) {
            throw new IllegalArgumentException("unhealthyFor must not be negative: " + unhealthyFor);
        }
        if (maxConnectionsPerBackend < 1) {
            throw new IllegalArgumentException(
                    "maxConnectionsPerBackend must be at least 1: " + maxConnectionsPerBackend);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative: " + maxQueued);
        }
        Objects.requireNonNull(balancing, "balancing");
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** The defaults listed on the components. */
    public static ClientConfig defaults() {
        return new ClientConfig(
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                8,
                1000,
                Duration.ofSeconds(10),
                Balancing.ROUND_ROBIN,
                Duration.ofSeconds(10));
    }

    public ClientConfig withConnectTimeout(Duration value) {
        return new ClientConfig(
                value,
                readTimeout,
                idleTimeout,
                maxConnectionsPerBackend,
                maxQueued,
                queueTimeout,
                balancing,
                unhealthyFor);
    }

    public ClientConfig withReadTimeout(Duration value) {
        return new ClientConfig(
                connectTimeout,
                value,
                idleTimeout,
                maxConnectionsPerBackend,
                maxQueued,
                queueTimeout,
                balancing,
                unhealthyFor);
    }

    public ClientConfig withIdleTimeout(Duration value) {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                value,
                maxConnectionsPerBackend,
                maxQueued,
                queueTimeout,
                balancing,
                unhealthyFor);
    }

    public ClientConfig withMaxConnectionsPerBackend(int value) {
        return new ClientConfig(
                connectTimeout, readTimeout, idleTimeout, value, maxQueued, queueTimeout, balancing, unhealthyFor);
    }

    public ClientConfig withMaxQueued(int value) {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                idleTimeout,
                maxConnectionsPerBackend,
                value,
                queueTimeout,
                balancing,
                unhealthyFor);
    }

    public ClientConfig withQueueTimeout(Duration value) {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                idleTimeout,
                maxConnectionsPerBackend,
                maxQueued,
                value,
                balancing,
                unhealthyFor);
    }

    public ClientConfig withBalancing(Balancing value) {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                idleTimeout,
                maxConnectionsPerBackend,
                maxQueued,
                queueTimeout,
                value,
                unhealthyFor);
    }

    public ClientConfig withUnhealthyFor(Duration value) {
        return new ClientConfig(
                connectTimeout,
                readTimeout,
                idleTimeout,
                maxConnectionsPerBackend,
                maxQueued,
                queueTimeout,
                balancing,
                value);
    }
}
