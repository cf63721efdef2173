package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.FastCgi;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections to one backend and what is known about it: its connection limit (configured,
 * then capped by {@code FCGI_MAX_CONNS} from GET_VALUES, FastCGI 1.0 §4.1) and its passive
 * health. Idle connections are reused last-in first-out, so that the surplus ages out through
 * the idle timeout. Confined to the transport thread.
 */
final class BackendPool {

    private static final System.Logger LOG = SafeLogger.of(BackendPool.class.getName());

    /** Whether GET_VALUES was asked yet. While PROBING no other connection is opened. */
    enum Probe {
        UNPROBED,
        PROBING,
        PROBED
    }

    private final Backend backend;
    private final int configuredMax;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final Set<Connection> open = new LinkedHashSet<>();

    private Probe probe;
    private int maxConnections;
    private Map<String, String> managementValues = Map.of();
    private boolean unhealthy;
    private long unhealthyUntil;
    private long opened;
    private int peakOpen;
    private long connectFailures;
    private long requestsSent;
    private long overloaded;
    private long abortsSent;

    /** @param askValues whether GET_VALUES is asked before the first connection; if not, the limit is final */
    BackendPool(Backend backend, int configuredMax, boolean askValues) {
        this.backend = backend;
        this.configuredMax = configuredMax;
        this.maxConnections = configuredMax;
        this.probe = askValues ? Probe.UNPROBED : Probe.PROBED;
    }

    Backend backend() {
        return backend;
    }

    boolean healthy(long now) {
        return !unhealthy || now - unhealthyUntil >= 0;
    }

    long unhealthyUntil() {
        return unhealthy ? unhealthyUntil : Long.MIN_VALUE;
    }

    void markUnhealthy(long now, long forNanos, Throwable cause) {
        unhealthy = true;
        unhealthyUntil = now + forNanos;
        LOG.log(
                Level.WARNING,
                () -> "backend " + backend + " refused a connection (" + cause.getMessage() + "); skipped for "
                        + forNanos / 1_000_000 + " ms");
    }

    /** A connection to it could not be opened. */
    void connectFailed() {
        connectFailures++;
    }

    /** A request went out on a connection to it. */
    void requestSent() {
        requestsSent++;
    }

    /** It answered a request OVERLOADED (or CANT_MPX_CONN). */
    void overloaded() {
        overloaded++;
    }

    /** An ABORT_REQUEST went out to it. */
    void abortSent() {
        abortsSent++;
    }

    /** A connection succeeded: the backend is healthy again. */
    void markHealthy() {
        unhealthy = false;
    }

    /** Whether an exchange can start here now: an idle connection or room for a new one. */
    boolean hasCapacity() {
        return probe != Probe.PROBING && (!idle.isEmpty() || open.size() < maxConnections);
    }

    /** Connections in use or being opened. */
    int busy() {
        return open.size() - idle.size();
    }

    /** Whether the next connection must first ask GET_VALUES; marks the probe as started. */
    boolean startProbe() {
        if (probe != Probe.UNPROBED) {
            return false;
        }
        probe = Probe.PROBING;
        return true;
    }

    /** The probe could not connect: ask again with the next connection. */
    void probeFailed() {
        probe = Probe.UNPROBED;
    }

    /**
     * GET_VALUES answered (or not: {@code values} empty): the limit in force from now on. With
     * one request per connection, both {@code FCGI_MAX_CONNS} and {@code FCGI_MAX_REQS} cap
     * it. php-fpm 8.2 answers neither (only {@code FCGI_MPXS_CONNS=0}), so for php-fpm the
     * configured limit must match {@code pm.max_children}.
     */
    void probed(Map<String, String> values) {
        probe = Probe.PROBED;
        managementValues = Map.copyOf(values);
        int limit = configuredMax;
        for (String name : new String[] {FastCgi.MAX_CONNS, FastCgi.MAX_REQS}) {
            String value = values.get(name);
            if (value == null) {
                continue;
            }
            try {
                int announced = Integer.parseInt(value.strip());
                if (announced > 0) {
                    limit = Math.min(limit, announced);
                }
            } catch (NumberFormatException e) {
                LOG.log(
                        Level.WARNING,
                        () -> "backend " + backend + " answered " + name + "=" + value + ", not a number; ignored");
            }
        }
        maxConnections = limit;
        int chosen = limit;
        LOG.log(
                Level.INFO,
                () -> "backend " + backend + " GET_VALUES " + values + ": at most " + chosen
                        + " connections, one request each");
    }

    Connection pollIdle() {
        return idle.pollFirst();
    }

    void opened(Connection connection) {
        open.add(connection);
        opened++;
        peakOpen = Math.max(peakOpen, open.size());
    }

    void idle(Connection connection) {
        idle.addFirst(connection);
    }

    void closed(Connection connection) {
        open.remove(connection);
        idle.remove(connection);
    }

    /** The open connections, copied, for sweeps that may close some. */
    List<Connection> connections() {
        return new ArrayList<>(open);
    }

    BackendStats stats(long now) {
        boolean healthy = healthy(now);
        long skippedUntil = healthy ? 0 : System.currentTimeMillis() + (unhealthyUntil - now) / 1_000_000;
        return new BackendStats(
                backend,
                healthy,
                maxConnections,
                open.size(),
                idle.size(),
                peakOpen,
                opened,
                managementValues,
                connectFailures,
                requestsSent,
                overloaded,
                abortsSent,
                skippedUntil);
    }

    @Override
    public String toString() {
        return backend.toString();
    }
}
