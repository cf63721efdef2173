package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.EndRequest;
import java.nio.ByteBuffer;

/**
 * Receives what the application sends for one {@link BackendExchange}: the STDOUT and STDERR
 * streams (FastCGI 1.0 §5.3) and then exactly one outcome, {@link #onComplete} or
 * {@link #onFailure}.
 *
 * <p><b>Threading.</b> Every method is called on the client's transport thread, one call at a
 * time per exchange, in stream order. It must not block: hand work to another thread or pause
 * with {@link #onStdout}'s return value. Calling {@link BackendExchange} methods from here is
 * allowed.
 *
 * <p><b>Buffers.</b> Content buffers are read-only views of the connection's input buffer
 * (zero-copy). After {@code onStdout} returns true, or after {@code onStderr} returns, the bytes
 * may be overwritten: copy what must outlive the call. After the listener aborts the exchange
 * no further STDOUT or STDERR is delivered.
 *
 * <p>A listener that throws from {@code onStdout} or {@code onStderr} aborts its exchange (as
 * {@link BackendExchange#abort()}); throwing from the outcome methods is logged and otherwise
 * ignored.
 */
public interface ResponseListener {

    /**
     * A piece of the response: CGI header block and body, split anywhere.
     *
     * @return true to receive more now; false to pause: the connection is not read and
     *     {@code content}, including the bytes not yet taken from it, stays valid and unchanged
     *     until {@link BackendExchange#demand()} is called (or the exchange ends). While paused,
     *     the read timeout does not run and the client holds no more than its fixed input buffer.
     */
    boolean onStdout(BackendExchange exchange, ByteBuffer content);

    /**
     * Everything read from the connection so far has been delivered and the response goes on:
     * the next piece comes from a later read. A listener that writes {@code onStdout}'s bytes
     * into a buffer may flush it here, once per read rather than once per record, so that a
     * response whose STDOUT and END_REQUEST arrive together is never flushed before its end.
     * Not called while paused, nor after the outcome. The default does nothing.
     */
    default void onReadComplete(BackendExchange exchange) {}

    /** A piece of the application's error output; valid only during the call. */
    void onStderr(BackendExchange exchange, ByteBuffer content);

    /**
     * END_REQUEST with {@code REQUEST_COMPLETE}: the response is complete. The connection is
     * already back in the pool (or closed) when this is called.
     */
    void onComplete(BackendExchange exchange, EndRequest end);

    /**
     * The exchange failed; its connection, if any, is already closed or back in the pool. Not
     * called for an exchange the caller aborted.
     */
    void onFailure(BackendExchange exchange, FastCgiClientException failure);
}
