package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.EndRequest;
import dev.gatehouse.fastcgi.protocol.FastCgiProtocolException;
import dev.gatehouse.fastcgi.protocol.GetValues;
import dev.gatehouse.fastcgi.protocol.GetValuesResult;
import dev.gatehouse.fastcgi.protocol.RecordParser;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.fastcgi.protocol.ServerRecord;
import dev.gatehouse.fastcgi.protocol.Stderr;
import dev.gatehouse.fastcgi.protocol.Stdout;
import dev.gatehouse.fastcgi.protocol.UnknownType;
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
 * {@link Exchange#leftConnectionClean()}); otherwise it is closed.
 *
 * <p>Memory is bounded: one {@value #INPUT_BUFFER_SIZE}-byte input buffer, whose STDOUT slices go
 * to the listener without copying; while the listener has paused, the channel is not read.
 * Outgoing bytes are the caller's chunk and the records' headers, also not copied.
 */
final class Connection implements EventLoop.Handler {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    /** The input buffer: what the client holds of a response at most, per connection. */
    static final int INPUT_BUFFER_SIZE = 64 * 1024;

    enum State {
        /** Non-blocking connect in progress. */
        CONNECTING,
        /** GET_VALUES sent, waiting for GET_VALUES_RESULT; closed afterwards. */
        PROBING,
        /** In the pool, kept alive, watched for the backend closing it. */
        IDLE,
        /** Carrying an exchange. */
        ACTIVE,
        CLOSED
    }

    private final BackendPool pool;
    private final Dispatcher dispatcher;
    private final EventLoop loop;
    private final ClientTimeouts timeouts;
    private final SocketChannel channel;
    private final ByteBuffer input = ByteBuffer.allocate(INPUT_BUFFER_SIZE).flip();
    private final RecordParser parser =
            RecordParser.forRequests(id -> this.state == State.ACTIVE && id == Exchange.REQUEST_ID);
    private final Outbound outbound = new Outbound();
    /** How long GET_VALUES may take before the configured connection limit is kept as is. */
    static final long PROBE_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final boolean probe;

    private State state = State.CONNECTING;
    private SelectionKey key;
    private Exchange exchange;
    private long since = System.nanoTime();
    private boolean paused;
    private boolean reused;

    private Connection(
            BackendPool pool,
            Dispatcher dispatcher,
            EventLoop loop,
            ClientTimeouts timeouts,
            SocketChannel channel,
            Exchange owner,
            boolean probe) {
        this.pool = pool;
        this.dispatcher = dispatcher;
        this.loop = loop;
        this.timeouts = timeouts;
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
            Exchange owner,
            boolean probe)
            throws IOException {
        SocketChannel channel = SocketChannel.open(pool.backend().family());
        Connection connection = new Connection(pool, dispatcher, loop, timeouts, channel, owner, probe);
        try {
            channel.configureBlocking(false);
            connection.key = loop.register(channel, 0, connection);
            if (channel.connect(pool.backend().address())) {
                // reported from the loop, after the dispatcher has counted the connection
                loop.execute(() -> {
                    if (connection.state == State.CONNECTING) {
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

    State state() {
        return state;
    }

    boolean isProbe() {
        return probe;
    }

    @Override
    public void ready(SelectionKey readyKey) {
        if (state == State.CONNECTING) {
            if (readyKey.isConnectable()) {
                finishConnect();
            }
            return;
        }
        if (readyKey.isValid() && readyKey.isWritable()) {
            flush();
        }
        if (state != State.CLOSED && readyKey.isValid() && readyKey.isReadable()) {
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
        since = System.nanoTime();
        if (probe) {
            state = State.PROBING;
            send(new ByteBuffer[] {new RecordWriter().getValues(GetValues.standard())}, null);
            flush();
        } else {
            dispatcher.connected(this, takeOwner());
        }
    }

    private void connectFailed(IOException cause) {
        if (state == State.CLOSED) {
            return;
        }
        closeChannel();
        dispatcher.connectFailed(this, takeOwner(), cause);
    }

    private Exchange takeOwner() {
        Exchange owner = exchange;
        exchange = null;
        return owner;
    }

    /** The owner gave up while the connection was being opened. */
    void abandon() {
        if (state == State.CONNECTING || state == State.PROBING) {
            exchange = null;
        }
    }

    /** CONNECTING/IDLE → ACTIVE: {@code assigned} now owns the connection. */
    void attach(Exchange assigned) {
        if (state != State.CONNECTING && state != State.IDLE) {
            throw new IllegalStateException("connection: attach is not allowed in state " + state);
        }
        reused = state == State.IDLE;
        state = State.ACTIVE;
        exchange = assigned;
        paused = false;
        since = System.nanoTime();
    }

    /** CONNECTING/ACTIVE → IDLE: unused or ended cleanly; the dispatcher pools it next. */
    void toIdle() {
        state = State.IDLE;
        exchange = null;
        since = System.nanoTime();
        updateInterest();
    }

    void send(ByteBuffer[] buffers, Runnable written) {
        outbound.add(buffers, written);
    }

    void flush() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (outbound.flush(channel) > 0) {
                since = System.nanoTime();
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
            input.compact();
            count = channel.read(input);
            input.flip();
        } catch (IOException e) {
            input.flip();
            lost("reading failed: " + e.getMessage(), e);
            return;
        }
        if (count < 0) {
            endOfInput();
            return;
        }
        since = System.nanoTime();
        if (exchange != null && state == State.ACTIVE) {
            exchange.received(count);
        }
        process();
    }

    /** Hands the buffered input to the exchange until it is used up or the listener pauses. */
    private void process() {
        try {
            for (ServerRecord record; !paused && (record = parser.next(input)) != null; ) {
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
        if (state == State.PROBING) {
            if (record instanceof GetValuesResult result) {
                probed(result.values());
            } else if (record instanceof UnknownType) {
                probed(Map.of());
            }
            return state == State.PROBING;
        }
        if (state != State.ACTIVE) {
            lost("unexpected " + record.type() + " on an idle connection", null);
            return false;
        }
        if (record instanceof Stdout stdout && !stdout.isEnd()) {
            paused = !exchange.stdout(stdout.content());
            if (paused) {
                updateInterest();
            }
        } else if (record instanceof Stderr stderr && !stderr.isEnd()) {
            exchange.stderr(stderr.content());
        } else if (record instanceof EndRequest end) {
            endRequest(end);
            return false;
        }
        return state == State.ACTIVE;
    }

    private void endRequest(EndRequest end) {
        Exchange ended = exchange;
        boolean reusable =
                ended.leftConnectionClean() && outbound.isEmpty() && !input.hasRemaining() && parser.atRecordBoundary();
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
        if (!paused || state != State.ACTIVE) {
            return;
        }
        paused = false;
        since = System.nanoTime();
        process();
        if (state == State.ACTIVE && !paused) {
            updateInterest();
        }
    }

    /** Sends ABORT_REQUEST (§5.4) and reads on, discarding, until END_REQUEST. */
    void abort(ByteBuffer abortRequest) {
        send(new ByteBuffer[] {abortRequest}, null);
        flush();
        resume();
    }

    private void probed(Map<String, String> values) {
        Exchange owner = takeOwner();
        closeChannel();
        dispatcher.probed(this, owner, values);
    }

    private void endOfInput() {
        String where = parser.atRecordBoundary() ? "at a record boundary" : "inside a record";
        lost("the backend closed the connection " + where, null);
    }

    /** The connection broke or timed out: close it and tell whoever depended on it. */
    private void lost(String why, Throwable cause) {
        switch (state) {
            case CLOSED -> {}
            case CONNECTING -> connectFailed(cause instanceof IOException io ? io : new ConnectException(why));
            case PROBING -> {
                LOG.log(
                        Level.INFO,
                        () -> "backend " + pool.backend() + " did not answer " + "GET_VALUES (" + why
                                + "); its configured connection limit stays");
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
                Exchange affected = takeOwner();
                close();
                dispatcher.lost(this, affected, stale && affected.replayable(), why, cause);
            }
        }
    }

    /** Applies the timeout of the current state: connect, GET_VALUES, idle or read. */
    void checkTimeout(long now) {
        long elapsed = now - since;
        switch (state) {
            case CONNECTING -> {
                if (elapsed > timeouts.connect()) {
                    lost("connect timed out", new ConnectException("connect to " + pool.backend() + " timed out"));
                }
            }
            case PROBING -> {
                // a live backend answers GET_VALUES at once; some (libfcgi programs) never do,
                // and the first request waits for this probe
                if (elapsed > Math.min(timeouts.read(), PROBE_TIMEOUT_NANOS)) {
                    lost("timed out", null);
                }
            }
            case IDLE -> {
                if (elapsed > timeouts.idle()) {
                    lost("idle timeout", null);
                }
            }
            case ACTIVE -> {
                if (elapsed > timeouts.read() && awaitingBackend()) {
                    Exchange affected = takeOwner();
                    close();
                    dispatcher.timedOut(this, affected);
                }
            }
            case CLOSED -> {}
        }
    }

    /** Whether the backend is the one expected to act: not the listener, not the caller. */
    private boolean awaitingBackend() {
        return !paused && (!outbound.isEmpty() || exchange.bodyEnded() || exchange.state() == ExchangeState.ABORTING);
    }

    /** → CLOSED, and out of the pool. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        closeChannel();
        dispatcher.closed(this);
    }

    private void closeChannel() {
        state = State.CLOSED;
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
    Exchange exchange() {
        return exchange;
    }
}
