package dev.gatehouse.fastcgi.client;

import java.util.List;

/**
 * A snapshot of a {@link FastCgiClient}: its queue and each backend's pool.
 *
 * @param queued requests waiting for a connection
 * @param backends one entry per backend, in configuration order
 */
public record ClientStats(int queued, List<BackendStats> backends) {

    public ClientStats {
        backends = List.copyOf(backends);
    }

    /** The entry for {@code backend}. */
    public BackendStats of(Backend backend) {
        return backends.stream()
                .filter(b -> b.backend().equals(backend))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a backend: " + backend));
    }
}
