package dev.gatehouse.fastcgi.client;

/**
 * The backend was silent past the read timeout while a response was awaited, or did not read
 * what was written to it. The connection has been closed. Maps to 504 Gateway Timeout, or an
 * aborted client connection once the response started.
 */
public final class BackendTimeoutException extends FastCgiClientException {
    private static final long serialVersionUID = 1L;

    BackendTimeoutException(String message, Throwable cause, long responseBytes) {
        super(message, cause, responseBytes);
    }
}
