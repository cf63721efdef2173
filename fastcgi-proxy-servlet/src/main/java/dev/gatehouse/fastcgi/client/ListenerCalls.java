package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The caller's {@link ResponseListener} as the transport thread calls it for one exchange, so
 * that a listener's bug cannot break the transport: a stream callback that throws aborts the
 * exchange (as {@link BackendExchange#abort()}), an outcome that throws is logged and ignored.
 */
final class ListenerCalls {

    private static final System.Logger LOG = SafeLogger.of(BackendExchange.class.getName());

    private final BackendExchange exchange;
    private final ResponseListener listener;
    private final Runnable abort;

    /** @param abort aborts the exchange, on the transport thread */
    ListenerCalls(BackendExchange exchange, ResponseListener listener, Runnable abort) {
        this.exchange = exchange;
        this.listener = listener;
        this.abort = abort;
    }

    /** @return whether to keep reading; true after a failure, whose abort discards the rest */
    boolean stdout(ByteBuffer content) {
        try {
            return listener.onStdout(exchange, content);
        } catch (RuntimeException e) {
            failed("on STDOUT", e);
            return true;
        }
    }

    void readComplete() {
        try {
            listener.onReadComplete(exchange);
        } catch (RuntimeException e) {
            failed("after a read", e);
        }
    }

    void stderr(ByteBuffer content) {
        try {
            listener.onStderr(exchange, content);
        } catch (RuntimeException e) {
            failed("on STDERR", e);
        }
    }

    void complete(EndRequest end) {
        try {
            listener.onComplete(exchange, end);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "response listener failed on the outcome", e);
        }
    }

    void failure(FastCgiClientException failure) {
        try {
            listener.onFailure(exchange, failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "response listener failed on the outcome", e);
        }
    }

    private void failed(String where, RuntimeException e) {
        LOG.log(Level.WARNING, "response listener failed " + where + "; aborting the exchange", e);
        abort.run();
    }
}
