package dev.gatehouse.fastcgi.client;

/** The configured timeouts in nanoseconds, as the transport compares them with nanoTime. */
record ClientTimeouts(long connect, long read, long idle, long queue) {

    static ClientTimeouts of(ClientConfig config) {
        return new ClientTimeouts(
                config.connectTimeout().toNanos(),
                config.readTimeout().toNanos(),
                config.idleTimeout().toNanos(),
                config.queueTimeout().toNanos());
    }
}
