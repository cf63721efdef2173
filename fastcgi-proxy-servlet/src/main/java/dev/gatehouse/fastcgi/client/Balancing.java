package dev.gatehouse.fastcgi.client;

/** How {@link FastCgiClient} chooses among the healthy backends that can take a request now. */
public enum Balancing {
    /** Each request goes to the next backend in turn, skipping those without a free slot. */
    ROUND_ROBIN,
    /** The backend with the fewest connections in use; ties go round-robin. */
    LEAST_BUSY
}
