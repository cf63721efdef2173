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
 * @param connectFailures connections that could not be opened (refused, unreachable, timed out)
 * @param requestsSent requests whose BEGIN_REQUEST went out on a connection to it
 * @param overloaded requests it rejected with END_REQUEST OVERLOADED or CANT_MPX_CONN (§5.5)
 * @param abortsSent ABORT_REQUEST records sent to it (§5.4), for clients that went away
 * @param skippedUntilMillis while it is skipped after a refusal, the wall-clock time (epoch ms) it
 *     is tried again; 0 when it is not skipped
 */
public record BackendStats(
        Backend backend,
        boolean healthy,
        int maxConnections,
        int open,
        int idle,
        int peakOpen,
        long opened,
        Map<String, String> managementValues,
        long connectFailures,
        long requestsSent,
        long overloaded,
        long abortsSent,
        long skippedUntilMillis) {

    public BackendStats {
        managementValues = Map.copyOf(managementValues);
    }

    /** Connections carrying an exchange, or being opened for one. */
    public int busy() {
        return open - idle;
    }
}
