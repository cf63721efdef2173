package dev.gatehouse.fastcgi.client;

import java.util.Map;

/**
 * A snapshot of one backend's pool, for monitoring and tests.
 *
 * @param backend the backend
 * @param healthy false while it is skipped after refusing a connection
 * @param maxConnections the connection limit in force: the configured one, lowered to the
 *     backend's {@code FCGI_MAX_CONNS} once learned
 * @param open connections open now (connecting, probing, idle or in use)
 * @param idle connections kept alive in the pool, unused
 * @param peakOpen the most connections ever open at once
 * @param opened connections opened since the client started, GET_VALUES probes included
 * @param managementValues the backend's answer to GET_VALUES (§4.1); empty until it answered
 */
public record BackendStats(
        Backend backend,
        boolean healthy,
        int maxConnections,
        int open,
        int idle,
        int peakOpen,
        long opened,
        Map<String, String> managementValues) {

    public BackendStats {
        managementValues = Map.copyOf(managementValues);
    }

    /** Connections carrying an exchange, or being opened for one. */
    public int busy() {
        return open - idle;
    }
}
