package dev.gatehouse.fastcgi.client;

/**
 * When a connection last made progress, and whether the timeout of its state has passed since:
 * connect while CONNECTING, the GET_VALUES wait while PROBING ({@link ValuesProbe#timeout}),
 * idle while IDLE, read while ACTIVE. Progress is any byte moved and any change of state; the
 * connection checks it on the sweep and decides what a passed timeout means.
 */
final class ConnectionClock {

    private final ClientTimeouts timeouts;
    private long since = System.nanoTime();

    ConnectionClock(ClientTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** Progress now: the timeouts count from here. */
    void restart() {
        since = System.nanoTime();
    }

    /** Whether the timeout of {@code state} has passed at {@code now} (a nanoTime). */
    boolean expired(ConnectionState state, long now) {
        long elapsed = now - since;
        return switch (state) {
            case CONNECTING -> elapsed > timeouts.connect();
            case PROBING -> elapsed > ValuesProbe.timeout(timeouts);
            case IDLE -> elapsed > timeouts.idle();
            case ACTIVE -> elapsed > timeouts.read();
            case CLOSED -> false;
        };
    }
}
