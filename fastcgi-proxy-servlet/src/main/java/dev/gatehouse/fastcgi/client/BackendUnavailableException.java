package dev.gatehouse.fastcgi.client;

/**
 * No backend accepted a connection: each refused it, was unreachable or did not connect within
 * the connect timeout (or the client was closed before the request was sent). Nothing of the
 * request reached an application. Maps to 502 Bad Gateway.
 */
public final class BackendUnavailableException extends FastCgiClientException {
    private static final long serialVersionUID = 1L;

    BackendUnavailableException(String message, Throwable cause, long responseBytes) {
        super(message, cause, responseBytes);
    }
}
