package dev.gatehouse.fastcgi.client;

import dev.gatehouse.servlet.SafeLogger;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives exchanges connections: chooses a backend (healthy first, then by {@link Balancing}),
 * reuses an idle connection or opens one within the backend's limit, and otherwise parks the
 * exchange in a bounded FIFO queue until a connection is released or the queue timeout passes.
 * A connection that fails to connect marks its backend unhealthy and the exchange goes on to
 * another backend, since nothing was sent. Confined to the transport thread; the connections
 * report their events here.
 *
 * <p>When every backend not yet tried is marked unhealthy, the one whose mark ends first is
 * tried anyway, so that a single backend is never refused on the strength of an old failure.
 */
final class Dispatcher {

    private static final System.Logger LOG = SafeLogger.of(Dispatcher.class.getName());

    private final List<BackendPool> pools;
    private final ClientConfig config;
    private final ClientTimeouts timeouts;
    private final EventLoop loop;
    private final Deque<BackendExchange> queue = new ArrayDeque<>();
    private int next;
    private boolean draining;
    private boolean closed;

    Dispatcher(List<BackendPool> pools, ClientConfig config, EventLoop loop) {
        this.pools = List.copyOf(pools);
        this.config = config;
        this.timeouts = ClientTimeouts.of(config);
        this.loop = loop;
    }

    /** Starts {@code exchange} on a backend, or queues it, or fails it. */
    void dispatch(BackendExchange exchange) {
        if (closed) {
            exchange.fail(new BackendUnavailableException("the FastCGI client is closed", null, 0));
            return;
        }
        long now = System.nanoTime();
        BackendPool pool = choose(exchange, now);
        if (pool != null) {
            start(exchange, pool);
        } else if (exchange.attempts().excluded().containsAll(pools)) {
            exchange.fail(new BackendUnavailableException(
                    "no backend accepted a connection; last: "
                            + exchange.attempts().lastConnectFailure().getMessage(),
                    exchange.attempts().lastConnectFailure(),
                    0));
        } else if (queue.size() >= config.maxQueued()) {
            exchange.fail(new PoolExhaustedException(
                    "every backend is at its connection limit and " + config.maxQueued()
                            + " requests are already waiting",
                    null,
                    0));
        } else {
            exchange.queued(now);
            queue.addLast(exchange);
        }
    }

    /**
     * The backend for {@code exchange} now, or null if none can take it at once: among the
     * backends not yet tried, the healthy ones, or if none is, the one whose mark ends first.
     * Allocates nothing: it runs for every request.
     */
    private BackendPool choose(BackendExchange exchange, long now) {
        Set<BackendPool> excluded = exchange.attempts().excluded();
        boolean anyCandidate = false;
        boolean anyHealthy = false;
        BackendPool soonest = null;
        for (BackendPool pool : pools) {
            if (excluded.contains(pool)) {
                continue;
            }
            anyCandidate = true;
            if (pool.healthy(now)) {
                anyHealthy = true;
            } else if (soonest == null || pool.unhealthyUntil() < soonest.unhealthyUntil()) {
                soonest = pool;
            }
        }
        if (!anyCandidate) {
            return null;
        }
        BackendPool best = null;
        int bestIndex = -1;
        for (int i = 0; i < pools.size(); i++) {
            int index = (next + i) % pools.size();
            BackendPool pool = pools.get(index);
            boolean usable = !excluded.contains(pool) && (anyHealthy ? pool.healthy(now) : pool == soonest);
            if (!usable || !pool.hasCapacity()) {
                continue;
            }
            if (config.balancing() == Balancing.ROUND_ROBIN) {
                best = pool;
                bestIndex = index;
                break;
            }
            if (best == null || pool.busy() < best.busy()) {
                best = pool;
                bestIndex = index;
            }
        }
        if (best != null) {
            next = (bestIndex + 1) % pools.size();
        }
        return best;
    }

    private void start(BackendExchange exchange, BackendPool pool) {
        Connection idle = pool.pollIdle();
        if (idle != null) {
            idle.attach(exchange);
            exchange.attach(idle, pool);
            return;
        }
        boolean probe = pool.startProbe();
        exchange.connecting(pool);
        try {
            Connection opened = Connection.open(pool, this, loop, timeouts, exchange, probe);
            pool.opened(opened);
            exchange.opening(opened);
        } catch (IOException e) {
            pool.connectFailed();
            if (probe) {
                pool.probeFailed();
            }
            exchange.fail(new BackendUnavailableException(
                    "cannot open a socket for " + pool.backend() + ": " + e.getMessage(), e, 0));
        }
    }

    /** Serves queued exchanges while some backend has room. */
    private void drain() {
        if (draining || closed || queue.isEmpty()) {
            return;
        }
        draining = true;
        try {
            long now = System.nanoTime();
            // the common case: the oldest waiter takes the free connection, in order
            for (BackendExchange head; (head = queue.peekFirst()) != null && anyCapacity(); ) {
                BackendPool pool = choose(head, now);
                if (pool == null) {
                    break; // e.g. it already tried the backend with room: look past it below
                }
                queue.pollFirst();
                start(head, pool);
            }
            if (queue.isEmpty() || !anyCapacity()) {
                return;
            }
            for (BackendExchange exchange : queue.toArray(BackendExchange[]::new)) {
                if (!anyCapacity()) {
                    break;
                }
                BackendPool pool = choose(exchange, now);
                if (pool != null) {
                    queue.remove(exchange);
                    start(exchange, pool);
                }
            }
        } finally {
            draining = false;
        }
    }

    private boolean anyCapacity() {
        for (BackendPool pool : pools) {
            if (pool.hasCapacity()) {
                return true;
            }
        }
        return false;
    }

    // ---- events from exchanges and connections ----------------------------------------------

    /** The caller aborted before a connection was assigned. */
    void abandon(BackendExchange exchange, Connection opening) {
        queue.remove(exchange);
        if (opening != null) {
            opening.abandon();
        }
    }

    void connected(Connection connection, BackendExchange owner) {
        BackendPool pool = connection.pool();
        pool.markHealthy();
        if (owner != null && owner.state() == BackendExchangeState.CONNECTING) {
            connection.attach(owner);
            owner.attach(connection, pool);
        } else {
            connection.toIdle();
            released(connection);
        }
    }

    void connectFailed(Connection connection, BackendExchange owner, IOException cause) {
        BackendPool pool = connection.pool();
        pool.closed(connection);
        if (connection.isProbe()) {
            pool.probeFailed();
        }
        pool.connectFailed();
        pool.markUnhealthy(System.nanoTime(), config.unhealthyFor().toNanos(), cause);
        if (owner != null && owner.state() == BackendExchangeState.CONNECTING) {
            owner.attempts().connectFailed(pool, cause);
            dispatch(owner);
        }
        drain();
    }

    void probed(Connection connection, BackendExchange owner, Map<String, String> values) {
        BackendPool pool = connection.pool();
        pool.probed(values);
        pool.closed(connection);
        pool.markHealthy();
        if (owner != null && owner.state() == BackendExchangeState.CONNECTING) {
            dispatch(owner);
        }
        drain();
    }

    void released(Connection connection) {
        connection.pool().idle(connection);
        drain();
    }

    void closed(Connection connection) {
        connection.pool().closed(connection);
        drain();
    }

    /** An active connection broke; {@code replay}: the request can start over elsewhere. */
    void lost(Connection connection, BackendExchange affected, boolean replay, String why, Throwable cause) {
        if (replay) {
            LOG.log(
                    Level.DEBUG,
                    () -> "kept-alive connection to " + connection.pool().backend() + " was stale (" + why
                            + "); sending the request again");
            affected.retry();
            dispatch(affected);
            return;
        }
        affected.fail(new BackendFailureException(
                "connection to " + connection.pool().backend() + " lost before END_REQUEST: " + why,
                cause,
                affected.responseBytes()));
    }

    void timedOut(Connection connection, BackendExchange affected) {
        affected.fail(new BackendTimeoutException(
                "backend " + connection.pool().backend() + " was silent for more than "
                        + config.readTimeout().toMillis() + " ms",
                null,
                affected.responseBytes()));
    }

    /** Applies the queue timeout and every connection's timeout. */
    void sweep(long now) {
        while (!queue.isEmpty() && now - queue.peekFirst().attempts().queuedAt() > timeouts.queue()) {
            queue.pollFirst()
                    .fail(new PoolExhaustedException(
                            "no connection became free within "
                                    + config.queueTimeout().toMillis() + " ms",
                            null,
                            0));
        }
        for (BackendPool pool : pools) {
            for (Connection connection : pool.connections()) {
                connection.checkTimeout(now);
            }
        }
        drain();
    }

    ClientStats stats() {
        long now = System.nanoTime();
        return new ClientStats(
                queue.size(), pools.stream().map(p -> p.stats(now)).toList());
    }

    /** Fails what is waiting or running and closes every connection. */
    void close() {
        closed = true;
        for (BackendExchange exchange; (exchange = queue.pollFirst()) != null; ) {
            exchange.fail(new BackendUnavailableException("the FastCGI client is closed", null, 0));
        }
        for (BackendPool pool : pools) {
            for (Connection connection : pool.connections()) {
                BackendExchange exchange = connection.exchange();
                connection.close();
                if (exchange == null || exchange.state().isTerminal()) {
                    continue;
                }
                String why = "the FastCGI client is closed";
                exchange.fail(
                        exchange.state() == BackendExchangeState.CONNECTING
                                ? new BackendUnavailableException(why, null, 0)
                                : new BackendFailureException(why, null, exchange.responseBytes()));
            }
        }
    }
}
