package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.Backend;
import dev.gatehouse.fastcgi.client.BackendStats;
import dev.gatehouse.fastcgi.client.FastCgiClient;
import dev.gatehouse.fastcgi.managed.ManagedBackend;
import dev.gatehouse.servlet.metrics.GatewayMetrics;
import dev.gatehouse.servlet.metrics.MetricSet;
import dev.gatehouse.servlet.metrics.MetricSink;
import dev.gatehouse.servlet.metrics.MetricSource;
import dev.gatehouse.servlet.metrics.MetricsRegistry;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a FastCGI proxy servlet or authorizer filter and of each of its backends, as
 * metric sets: the servlet's request figures (its queue the client's), a managed backend's process
 * (pid, workers, restarts, last exit), and per backend what the client's own statistics ({@link
 * BackendStats}) already keep — read from them, not counted twice.
 */
final class ProxyMetrics {

    private ProxyMetrics() {}

    /**
     * Registers the sets of the servlet or filter {@code name} ({@code type} {@code
     * FastCgiProxyServlet} or {@code FastCgiAuthorizerFilter}) and of each backend of {@code
     * client}; closing the result unregisters them all.
     */
    static MetricsRegistry.Registration register(
            ServletContext context,
            String type,
            String kind,
            String name,
            GatewayMetrics requests,
            FastCgiClient client,
            ManagedBackend managed,
            MetricSource extra) {
        MetricsRegistry registry = MetricsRegistry.of(context);
        MetricSource own = requests.and(extra);
        if (managed != null) {
            own = own.and(managed(managed));
        }
        MetricSet set = MetricSet.of(type, kind, context.getContextPath(), name, own);
        List<MetricsRegistry.Registration> done = new ArrayList<>();
        done.add(registry.register(set));
        for (Backend backend : client.backends()) {
            done.add(registry.register(set.with(
                    "FastCgiBackend", "fastcgi_backend", "backend", backend.toString(), backend(client, backend))));
        }
        return () -> done.forEach(MetricsRegistry.Registration::close);
    }

    /** The requests waiting for a connection of {@code client}; 0 while it closes (or does not answer). */
    static long queued(FastCgiClient client) {
        try {
            return client.stats().queued();
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** A backend's figures from the client's statistics, one snapshot per reading. */
    static MetricSource backend(FastCgiClient client, Backend backend) {
        return sink -> {
            BackendStats s;
            try {
                s = client.stats().of(backend);
            } catch (IllegalStateException e) {
                return; // the client is closing: nothing to read
            }
            report(s, sink);
        };
    }

    static void report(BackendStats s, MetricSink sink) {
        sink.gauge("connectionsBusy", "Connections carrying a request or being opened for one", s.busy());
        sink.gauge("connectionsIdle", "Connections kept alive, unused", s.idle());
        sink.gauge("connectionsMax", "The connection limit in force", s.maxConnections());
        sink.gauge("connectionsPeak", "The most connections open at once", s.peakOpen());
        sink.counter("connectionsOpened", "Connections opened, GET_VALUES probes included", s.opened());
        sink.counter("connectFailures", "Connections that could not be opened", s.connectFailures());
        sink.state("health", "up, or skipped after refusing a connection", s.healthy() ? "up" : "skipped");
        sink.gauge(
                "skippedUntilMillis",
                "While skipped, when it is tried again (epoch ms); 0 when up",
                s.skippedUntilMillis());
        sink.counter("requestsSent", "Requests sent to it", s.requestsSent());
        sink.counter("overloaded", "Requests it answered OVERLOADED or CANT_MPX_CONN", s.overloaded());
        sink.counter("abortsSent", "ABORT_REQUEST records sent to it for clients that went away", s.abortsSent());
    }

    /** A managed backend's process figures. */
    static MetricSource managed(ManagedBackend managed) {
        return sink -> {
            sink.gauge("managedPid", "The managed backend's server pid, -1 while none runs", managed.pid());
            sink.gauge(
                    "managedProcesses",
                    "Processes of the managed backend now, its server and workers",
                    managed.pids().size());
            sink.counter("managedRestarts", "Times the managed backend was started again", managed.restarts());
            sink.gauge(
                    "managedLastExitStatus",
                    "Exit status of the managed backend's last exit, -1 if it never exited",
                    managed.lastExitStatus());
            sink.gauge(
                    "managedLastExitMillis",
                    "When the managed backend last exited (epoch ms), 0 if it never did",
                    managed.lastExitMillis());
        };
    }
}
