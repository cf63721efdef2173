package dev.gatehouse.fastcgi.client;

/**
 * Why an exchange failed, as one of five types the servlet layer maps once, in one place:
 *
 * <table>
 *   <caption>Failures and their HTTP meaning</caption>
 *   <tr><th>Type</th><th>Cause</th><th>Status before the response started</th></tr>
 *   <tr><td>{@link BackendUnavailableException}</td><td>no backend accepted a connection</td>
 *       <td>502</td></tr>
 *   <tr><td>{@link BackendTimeoutException}</td><td>the backend was silent past the read
 *       timeout</td><td>504</td></tr>
 *   <tr><td>{@link PoolExhaustedException}</td><td>no connection free within the queue timeout,
 *       or the queue full</td><td>503</td></tr>
 *   <tr><td>{@link BackendOverloadedException}</td><td>END_REQUEST with OVERLOADED or
 *       CANT_MPX_CONN</td><td>503</td></tr>
 *   <tr><td>{@link BackendFailureException}</td><td>connection dropped, malformed records,
 *       unknown role</td><td>502</td></tr>
 * </table>
 *
 * <p>Once the servlet has started the HTTP response, any of them means the client connection
 * must be aborted rather than the response ended normally. {@link #responseBytes()} says how
 * much response (STDOUT) the exchange had delivered when it failed.
 */
public abstract sealed class FastCgiClientException extends Exception
        permits BackendUnavailableException,
                BackendTimeoutException,
                PoolExhaustedException,
                BackendOverloadedException,
                BackendFailureException {
    private static final long serialVersionUID = 1L;

    private final long responseBytes;

    FastCgiClientException(String message, Throwable cause, long responseBytes) {
        super(message, cause);
        this.responseBytes = responseBytes;
    }

    /** The STDOUT bytes delivered to the listener before the failure; 0 if none. */
    public long responseBytes() {
        return responseBytes;
    }
}
