package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.ByteStream;
import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.FastCgiProtocolException;
import dev.gatehouse.fastcgi.protocol.ServerRecord;
import dev.gatehouse.fastcgi.protocol.StreamRecord;
import dev.gatehouse.servlet.SafeLogger;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * One non-blocking transport connection to a backend, owned by its {@link BackendPool} and
 * driven by the {@link EventLoop}. It carries one request at a time ({@code FCGI_KEEP_CONN}, no
 * multiplexing) and is put back into the pool only after a complete END_REQUEST, at a record
 * boundary, with nothing left half-sent and no ABORT_REQUEST on it (see
 * {@link BackendExchange#leftConnectionClean()}); otherwise it is closed.
 *
 * <p>Memory is bounded: one {@value #INPUT_BUFFER_SIZE}-byte input buffer
 * ({@link ConnectionInput}), whose STDOUT slices go to the listener without copying; while the
 * listener has paused, the channel is not read. Outgoing bytes ({@link Outbound}) are the
 * caller's chunk and the records' headers, also not copied. The GET_VALUES probe is
 * {@link ValuesProbe}'s, the timeouts {@link ConnectionClock}'s.
 */
final class Connection implements EventLoop.Handler {

    private static final System.Logger LOG = SafeLogger.of(Connection.class.getName());

    /** The input buffer: what the client holds of a response at most, per connection. */
    static final int INPUT_BUFFER_SIZE = ConnectionInput.BUFFER_SIZE;

    private final BackendPool pool;
    private final Dispatcher dispatcher;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final ConnectionInput input =
            new ConnectionInput(id -> this.state == ConnectionState.ACTIVE && id == BackendExchange.REQUEST_ID);
    private final Outbound outbound = new Outbound();
    private final ConnectionClock clock;
    private final boolean probe;

    private ConnectionState state = ConnectionState.CONNECTING;
    private SelectionKey key;
    private BackendExchange exchange;
    private boolean paused;
    private boolean reused;

    private Connection(
            BackendPool pool,
            Dispatcher dispatcher,
            EventLoop loop,
            ClientTimeouts timeouts,
            SocketChannel channel,
            BackendExchange owner,
            boolean probe) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.loop = loop;
        this.clock = new ConnectionClock(timeouts);
        this.channel = channel;
        this.exchange = owner;
        this.probe = probe;
    }

    /**
     * Starts connecting to {@code pool}'s backend for {@code owner}; {@code probe} first asks
     * GET_VALUES (§4.1) on it. A failure is reported to the dispatcher later, on the loop.
     */
    static Connection open(
            BackendPool pool,
            Dispatcher dispatcher,
            EventLoop loop,
            ClientTimeouts timeouts,
            BackendExchange owner,
            boolean probe)
            throws IOException {
        SocketChannel channel = pool.backend().openChannel();
        Connection connection = new Connection(pool, dispatcher, loop, timeouts, channel, owner, probe);
        try {
            channel.configureBlocking(false);
            connection.key = loop.register(channel, 0, connection);
            if (channel.connect(pool.backend().address())) {
                // reported from the loop, after the dispatcher has counted the connection
                loop.execute(() -> {
                    if (connection.state == ConnectionState.CONNECTING) {
                        connection.connected();
                    }
                });
            } else {
                connection.key.interestOps(SelectionKey.OP_CONNECT);
            }
        } catch (IOException e) {
            loop.execute(() -> connection.connectFailed(e));
        }
        return connection;
    }

    ConnectionState state() {
        return state;
    }

    boolean isProbe() {
        return probe;
    }

    @Override
    public void ready(SelectionKey readyKey) {
        if (state == ConnectionState.CONNECTING) {
            if (readyKey.isConnectable()) {
                finishConnect();
            }
            return;
        }
        if (readyKey.isValid() && readyKey.isWritable()) {
            flush();
        }
        if (state != ConnectionState.CLOSED && readyKey.isValid() && readyKey.isReadable()) {
            read();
        }
    }

    private void finishConnect() {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            connectFailed(e);
        }
    }

    /** CONNECTING → PROBING (GET_VALUES sent) or → ACTIVE/IDLE, as the dispatcher decides. */
    private void connected() {
        clock.restart();
        if (probe) {
            state = ConnectionState.PROBING;
            send(new ByteBuffer[] {ValuesProbe.request()}, null);
            flush();
        } else {
            dispatcher.connected(this, takeOwner());
        }
    }

    private void connectFailed(IOException cause) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        closeChannel();
        dispatcher.connectFailed(this, takeOwner(), cause);
    }

    private BackendExchange takeOwner() {
        BackendExchange owner = exchange;
        exchange = null;
        return owner;
    }

    /** The owner gave up while the connection was being opened. */
    void abandon() {
        if (state == ConnectionState.CONNECTING || state == ConnectionState.PROBING) {
            exchange = null;
        }
    }

    /** CONNECTING/IDLE → ACTIVE: {@code assigned} now owns the connection. */
    void attach(BackendExchange assigned) {
        if (state != ConnectionState.CONNECTING && state != ConnectionState.IDLE) {
            throw new IllegalStateException("connection: attach is not allowed in state " + state);
        }
        reused = state == ConnectionState.IDLE;
        state = ConnectionState.ACTIVE;
        exchange = assigned;
        paused = false;
        clock.restart();
    }

    /** CONNECTING/ACTIVE → IDLE: unused or ended cleanly; the dispatcher pools it next. */
    void toIdle() {
        state = ConnectionState.IDLE;
        exchange = null;
        clock.restart();
        updateInterest();
    }

    void send(ByteBuffer[] buffers, Runnable written) {
        outbound.add(buffers, written);
    }

    void flush() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        try {
            if (outbound.flush(channel) > 0) {
                clock.restart();
            }
            updateInterest();
        } catch (IOException e) {
            lost("writing failed: " + e.getMessage(), e);
        }
    }

    private void updateInterest() {
        if (key.isValid()) {
            key.interestOps((paused ? 0 : SelectionKey.OP_READ) | (outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        }
    }

    private void read() {
        int count;
        try {
            count = input.readFrom(channel);
        } catch (IOException e) {
            lost("reading failed: " + e.getMessage(), e);
            return;
        }
        if (count < 0) {
            endOfInput();
            return;
        }
        clock.restart();
        if (exchange != null && state == ConnectionState.ACTIVE) {
            exchange.received(count);
        }
        process();
        readComplete();
    }

    /** Tells the exchange that the input is used up, if it goes on and is not paused. */
    private void readComplete() {
        if (state == ConnectionState.ACTIVE && !paused && exchange != null) {
            exchange.readComplete();
        }
    }

    /** Hands the buffered input to the exchange until it is used up or the listener pauses. */
    private void process() {
        try {
            for (ServerRecord record; !paused && (record = input.next()) != null; ) {
                if (!handle(record)) {
                    return;
                }
            }
        } catch (FastCgiProtocolException e) {
            lost("malformed FastCGI input: " + e.getMessage(), e);
        }
    }

    /** @return whether to go on parsing */
    private boolean handle(ServerRecord record) {
        if (state == ConnectionState.PROBING) {
            Map<String, String> values = ValuesProbe.answer(record);
            if (values != null) {
                probed(values);
            }
            return state == ConnectionState.PROBING;
        }
        if (state != ConnectionState.ACTIVE) {
            lost("unexpected " + record.type() + " on an idle connection", null);
            return false;
        }
        if (record instanceof StreamRecord piece && !piece.isEnd()) {
            stream(piece);
        } else if (record instanceof EndRequest end) {
            endRequest(end);
            return false;
        }
        return state == ConnectionState.ACTIVE;
    }

    /** A STDOUT piece goes to the exchange, which may pause reading; a STDERR piece to its log. */
    private void stream(StreamRecord piece) {
        if (piece.stream() == ByteStream.STDOUT) {
            paused = !exchange.stdout(piece.content());
            if (paused) {
                updateInterest();
            }
        } else {
            exchange.stderr(piece.content());
        }
    }

    private void endRequest(EndRequest end) {
        BackendExchange ended = exchange;
        boolean reusable =
                ended.leftConnectionClean() && outbound.isEmpty() && input.remaining() == 0 && input.atRecordBoundary();
        if (reusable) {
            toIdle();
            dispatcher.released(this);
        } else {
            LOG.log(
                    Level.DEBUG,
                    () -> "closing the connection to " + pool.backend() + " after "
                            + "END_REQUEST: request clean " + ended.leftConnectionClean() + ", unsent bytes "
                            + !outbound.isEmpty() + ", bytes after END_REQUEST " + input.remaining());
            close();
        }
        ended.ended(end);
    }

    /** Resumes reading after the listener paused. */
    void resume() {
        if (!paused || state != ConnectionState.ACTIVE) {
            return;
        }
        paused = false;
        clock.restart();
        process();
        if (state == ConnectionState.ACTIVE && !paused) {
            updateInterest();
            readComplete();
        }
    }

    /** Sends ABORT_REQUEST (§5.4) and reads on, discarding, until END_REQUEST. */
    void abort(ByteBuffer abortRequest) {
        send(new ByteBuffer[] {abortRequest}, null);
        flush();
        resume();
    }

    private void probed(Map<String, String> values) {
        BackendExchange owner = takeOwner();
        closeChannel();
        dispatcher.probed(this, owner, values);
    }

    private void endOfInput() {
        String where = input.atRecordBoundary() ? "at a record boundary" : "inside a record";
        lost("the backend closed the connection " + where, null);
    }

    /** The connection broke or timed out: close it and tell whoever depended on it. */
    private void lost(String why, Throwable cause) {
        switch (state) {
            case CLOSED -> {}
            case CONNECTING -> connectFailed(cause instanceof IOException io ? io : new ConnectException(why));
            case PROBING -> {
                ValuesProbe.unanswered(pool.backend(), why);
                probed(Map.of());
            }
            case IDLE -> {
                LOG.log(Level.DEBUG, () -> "idle connection to " + pool.backend() + ": " + why);
                close();
            }
            case ACTIVE -> {
                // A kept-alive connection the backend closed before we saw it (php-fpm's
                // pm.max_requests) is stale, not a failure of the request.
                boolean stale = reused && !(cause instanceof FastCgiProtocolException);
                BackendExchange affected = takeOwner();
                close();
                dispatcher.lost(this, affected, stale && affected.replayable(), why, cause);
            }
        }
    }

    /** Applies the timeout of the current state: connect, GET_VALUES, idle or read. */
    void checkTimeout(long now) {
        if (!clock.expired(state, now)) {
            return;
        }
        switch (state) {
            case CONNECTING -> lost(
                    "connect timed out", new ConnectException("connect to " + pool.backend() + " timed out"));
            case PROBING -> lost("timed out", null);
            case IDLE -> lost("idle timeout", null);
            case ACTIVE -> {
                if (awaitingBackend()) {
                    BackendExchange affected = takeOwner();
                    close();
                    dispatcher.timedOut(this, affected);
                }
            }
            case CLOSED -> {}
        }
    }

    /** Whether the backend is the one expected to act: not the listener, not the caller. */
    private boolean awaitingBackend() {
        return !paused
                && (!outbound.isEmpty() || exchange.bodyEnded() || exchange.state() == BackendExchangeState.ABORTING);
    }

    /** → CLOSED, and out of the pool. */
    void close() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        closeChannel();
        dispatcher.closed(this);
    }

    private void closeChannel() {
        state = ConnectionState.CLOSED;
        outbound.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a connection to " + pool.backend(), e);
        }
    }

    BackendPool pool() {
        return pool;
    }

    /** The exchange this connection carries, or null. */
    BackendExchange exchange() {
        return exchange;
    }
}
