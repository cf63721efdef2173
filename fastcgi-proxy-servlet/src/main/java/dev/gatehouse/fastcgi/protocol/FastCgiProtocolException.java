package dev.gatehouse.fastcgi.protocol;

/**
 * Bytes received from a FastCGI application break FastCGI 1.0 or a configured limit: a bad
 * version, an unexpected request id or record type, a wrong content length, a malformed
 * name-value pair, input that ends inside a record. The message names the record (its type and
 * byte offset in the connection's input) and what was wrong with it.
 *
 * <p>Checked, like {@code CgiHeaderException}: the transport above must decide, in one place,
 * that the connection is unusable (close it, never return it to a pool) and that the exchange
 * fails with 502 Bad Gateway, or is aborted if the response has started. Invalid arguments from
 * our own side (a request id of 0, an oversized name) are programming errors and throw
 * {@link IllegalArgumentException} instead.
 */
public final class FastCgiProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public FastCgiProtocolException(String message) {
        super(message);
    }
}
