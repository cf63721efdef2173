package dev.gatehouse.fastcgi.client;

/**
 * The application rejected the request with END_REQUEST and protocol status OVERLOADED or
 * CANT_MPX_CONN (FastCGI 1.0 §5.5). Maps to 503 Service Unavailable.
 */
public final class BackendOverloadedException extends FastCgiClientException {
    private static final long serialVersionUID = 1L;

    BackendOverloadedException(String message, Throwable cause, long responseBytes) {
        super(message, cause, responseBytes);
    }
}
