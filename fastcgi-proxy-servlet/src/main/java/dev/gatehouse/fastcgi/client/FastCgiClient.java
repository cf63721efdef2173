package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.BeginRequest;
import dev.gatehouse.fastcgi.protocol.NameValuePair;
import dev.gatehouse.fastcgi.protocol.Params;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.fastcgi.protocol.Role;
import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A non-blocking FastCGI 1.0 client (the specification's "Web server") for one or more
 * backends such as php-fpm: pooled kept-alive connections, a bounded queue in front of them,
 * passive health and balancing. Concurrency is not bound to threads: one transport thread runs
 * every connection over a selector, so thousands of slow requests need no thread each.
 *
 * <p><b>Sizing.</b> A kept-alive connection pins a backend worker (a php-fpm child), so each
 * backend gets at most {@link ClientConfig#maxConnectionsPerBackend()} connections, lowered to the
 * {@code FCGI_MAX_CONNS} it announces: before its first connection the client asks GET_VALUES
 * (FastCGI 1.0 §4.1) on a connection of its own, which the backend closes after answering
 * (unless told not to ask).
 * Requests beyond the limit wait in the client's FIFO queue ({@link ClientConfig#maxQueued()},
 * {@link ClientConfig#queueTimeout()}) rather than in the backend's listen backlog.
 *
 * <p><b>Failures</b> reach the {@link ResponseListener} as one of the
 * {@link FastCgiClientException} types, each with one HTTP meaning. A backend that refuses a
 * connection (or does not connect within the connect timeout) is skipped for
 * {@link ClientConfig#unhealthyFor()}, and the request goes to another backend: nothing was
 * sent yet. A kept-alive connection that turns out to have been closed by the backend is
 * replaced and the request sent again, provided nothing came back and no body byte was
 * acknowledged to the caller.
 *
 * <p>The client never multiplexes: each connection carries one request at a time, whatever
 * {@code FCGI_MPXS_CONNS} says (php-fpm answers 0).
 */
public final class FastCgiClient implements AutoCloseable {

    private static final System.Logger LOG = SafeLogger.of(FastCgiClient.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofMillis(10);
    private static final long STATS_WAIT_SECONDS = 5;

    private final RecordWriter writer = new RecordWriter();
    private final EventLoop loop;
    private final Dispatcher dispatcher;
    private final List<Backend> backends;
    private volatile boolean closed;

    /**
     * Starts the transport thread. No connection is opened until the first exchange.
     *
     * @throws IllegalArgumentException if {@code backends} is empty or repeats a backend
     */
    public FastCgiClient(ClientConfig config, List<Backend> backends) {
        this(config, backends, true);
    }

    /**
     * As {@link #FastCgiClient(ClientConfig, List)}, choosing whether GET_VALUES is asked. Not
     * asking suits a backend whose worker count the caller set itself (a managed backend): its
     * answer could tell nothing new, and a backend that never answers (uWSGI, libfcgi's php-cgi)
     * would hold the first request for the probe's timeout.
     *
     * @param askValues whether each backend is asked GET_VALUES before its first connection
     */
    public FastCgiClient(ClientConfig config, List<Backend> backends, boolean askValues) {
        Objects.requireNonNull(config, "config");
        this.backends = List.copyOf(backends);
        if (this.backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend is required");
        }
        if (this.backends.stream().distinct().count() != this.backends.size()) {
            throw new IllegalArgumentException("backends repeat: " + this.backends);
        }
        List<BackendPool> pools = this.backends.stream()
                .map(b -> new BackendPool(b, config.maxConnectionsPerBackend(), askValues))
                .toList();
        Dispatcher[] holder = new Dispatcher[1];
        this.loop = new EventLoop("gatehouse-fastcgi-transport", now -> holder[0].sweep(now), SWEEP_EVERY);
        this.dispatcher = new Dispatcher(pools, config, loop);
        holder[0] = dispatcher;
        loop.start();
    }

    /** {@link #exchange(Role, List, ResponseListener)} in the Responder role (§6.2). */
    public BackendExchange exchange(List<NameValuePair> params, ResponseListener listener) {
        return exchange(Role.RESPONDER, params, listener);
    }

    /**
     * Starts a request: BEGIN_REQUEST with {@code FCGI_KEEP_CONN} and the PARAMS stream (§5.1,
     * §5.2) go out as soon as a connection is free; then the body as the caller writes it. The
     * PARAMS are encoded here, so that oversized ones fail on the caller's thread.
     *
     * @param params the meta-variables, in order
     * @param listener receives the response and the outcome, on the transport thread
     * @throws IllegalArgumentException if the params exceed the name-value limits
     * @throws IllegalStateException if the client is closed
     */
    public BackendExchange exchange(Role role, List<NameValuePair> params, ResponseListener listener) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("the FastCGI client is closed");
        }
        ByteBuffer begin = writer.beginRequest(new BeginRequest(BackendExchange.REQUEST_ID, role, true));
        ByteBuffer pairs = writer.params(new Params(BackendExchange.REQUEST_ID, params));
        ByteBuffer[] head = {begin.asReadOnlyBuffer(), pairs.asReadOnlyBuffer()}; // one gathering write
        BackendExchange exchange = new BackendExchange(loop, dispatcher, writer, head, listener);
        loop.execute(() -> dispatcher.dispatch(exchange));
        return exchange;
    }

    /** The backends, in configuration order. */
    public List<Backend> backends() {
        return backends;
    }

    /**
     * A snapshot of the queue and the pools, taken on the transport thread (waits for it up to
     * 5 s; not to be called from a listener).
     */
    public ClientStats stats() {
        CompletableFuture<ClientStats> snapshot = new CompletableFuture<>();
        loop.execute(() -> snapshot.complete(dispatcher.stats()));
        try {
            return snapshot.get(STATS_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the transport", e);
        } catch (ExecutionException | TimeoutException e) {
            String where = loop.whereItIs();
            LOG.log(Level.WARNING, "the FastCGI transport did not answer in {0} s: {1}", STATS_WAIT_SECONDS, where);
            throw new IllegalStateException("the transport thread did not answer: " + where, e);
        }
    }

    /**
     * Fails queued exchanges with {@link BackendUnavailableException} and running ones with
     * {@link BackendFailureException}, closes every connection and stops the transport thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.execute(dispatcher::close);
        loop.close();
    }
}
