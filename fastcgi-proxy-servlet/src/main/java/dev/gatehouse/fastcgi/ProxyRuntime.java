package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.MetaVariablePolicy;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import dev.gatehouse.servlet.SpoolBudget;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What every request of one {@link FastCgiProxyServlet} shares: among it the spool budget of
 * request bodies and response buffers, the timer of their idle checks, and the response buffers
 * alive now, which {@link #close} deletes when the servlet is destroyed with requests still in
 * flight; and the servlet's request figures, its queue the client's.
 */
record ProxyRuntime(
        FastCgiConfig config,
        MetaVariablePolicy policy,
        FastCgiClient client,
        Path tempDir,
        SpoolBudget budget,
        Set<ResponseBuffer> buffers,
        ScheduledExecutorService timer,
        GatewayMetrics metrics) {

    /** @param name the servlet's, for the timer thread's name */
    ProxyRuntime(FastCgiConfig config, MetaVariablePolicy policy, FastCgiClient client, Path tempDir, String name) {
        this(
                config,
                policy,
                client,
                tempDir,
                new SpoolBudget(config.spoolMemoryBytes(), config.spoolDiskBytes(), config.maxSpooling()),
                ConcurrentHashMap.newKeySet(),
                timer(name),
                new GatewayMetrics(() -> ProxyMetrics.queued(client)));
    }

    /**
     * One thread for the idle checks of request spools and stalled clients: a check is light
     * (it ends a request), and a cancelled one is removed at once, so that a busy servlet does
     * not keep one pending task per finished request.
     */
    private static ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatehouse-fastcgi-timer-" + name);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Retry-After for a 503: the queue timeout, in whole seconds, at least 1. */
    String retryAfter() {
        return Long.toString(Math.max(1, (config.queueTimeout().toMillis() + 999) / 1000));
    }

    /**
     * A response buffer for one request, or null with {@code responseBuffering} off. It forgets
     * itself here when closed.
     */
    ResponseBuffer responseBuffer() {
        if (!config.responseBuffering()) {
            return null;
        }
        ResponseBuffer[] made = new ResponseBuffer[1];
        made[0] = new ResponseBuffer(
                tempDir,
                ResponseRelay.BUFFER_MEMORY_BYTES,
                config.maxResponseBufferBytes(),
                budget.account(),
                () -> buffers.remove(made[0]));
        buffers.add(made[0]);
        return made[0];
    }

    /** Stops the timer and closes (deletes) every response buffer still alive: the servlet is going away. */
    void close() {
        timer.shutdownNow();
        List.copyOf(buffers).forEach(ResponseBuffer::close);
    }
}
