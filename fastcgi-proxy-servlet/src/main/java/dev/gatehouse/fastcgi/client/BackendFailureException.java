package dev.gatehouse.fastcgi.client;

/**
 * The exchange broke after it reached a backend: the connection dropped before END_REQUEST,
 * the application sent records that break FastCGI 1.0, ended the request with UNKNOWN_ROLE, or
 * the client was closed. The connection has been closed. Maps to 502 Bad Gateway, or an
 * aborted client connection once the response started.
 */
public final class BackendFailureException extends FastCgiClientException {
    private static final long serialVersionUID = 1L;

    BackendFailureException(String message, Throwable cause, long responseBytes) {
        super(message, cause, responseBytes);
    }
}
