package dev.gatehouse.fastcgi.client;

/**
 * No connection became free within the queue timeout, or the bounded queue of waiting requests
 * was full: every backend was at its connection limit. Nothing was sent. Maps to 503 Service
 * Unavailable.
 */
public final class PoolExhaustedException extends FastCgiClientException {
    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message, Throwable cause, long responseBytes) {
        super(message, cause, responseBytes);
    }
}
