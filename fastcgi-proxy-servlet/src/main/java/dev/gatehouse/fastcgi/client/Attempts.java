package dev.gatehouse.fastcgi.client;

import java.util.HashSet;
import java.util.Set;

/**
 * What the {@link Dispatcher} keeps about one exchange's way to a connection: the backends that
 * refused it (skipped on the next try), the last refusal (reported if every backend refused),
 * and when it joined the queue (for the queue timeout). Confined to the transport thread.
 */
final class Attempts {

    private final Set<BackendPool> excluded = new HashSet<>();
    private Throwable lastConnectFailure;
    private long queuedAt;

    /** The backends not to try again for this exchange. */
    Set<BackendPool> excluded() {
        return excluded;
    }

    void connectFailed(BackendPool pool, Throwable cause) {
        excluded.add(pool);
        lastConnectFailure = cause;
    }

    Throwable lastConnectFailure() {
        return lastConnectFailure;
    }

    void queued(long now) {
        queuedAt = now;
    }

    long queuedAt() {
        return queuedAt;
    }
}
