package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.ByteStream;
import dev.gatehouse.fastcgi.protocol.RecordWriter;
import dev.gatehouse.fastcgi.protocol.StreamRecord;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The transport's side of an exchange's request body (the STDIN stream, FastCGI 1.0 §5.3): the
 * one chunk the caller may have outstanding, whether the empty end record is due, and what was
 * sent on the current connection, which decides whether the connection can be reused and the
 * request replayed. The caller's side is {@link RequestBody}. Confined to the transport thread.
 */
final class StdinStream {

    private final RecordWriter writer;
    private final int requestId;
    private ByteBuffer pendingChunk;
    private CompletableFuture<Void> pendingWrite;
    private boolean ended;
    private boolean chunkWritten;
    private boolean chunkSent;

    StdinStream(RecordWriter writer, int requestId) {
        this.writer = writer;
        this.requestId = requestId;
    }

    /** The caller's next chunk; {@code written} completes once it is on the wire or moot. */
    void offer(ByteBuffer chunk, CompletableFuture<Void> written) {
        pendingChunk = chunk;
        pendingWrite = written;
    }

    /**
     * A connection was assigned (again): queues after the request head what is due on it, the
     * outstanding chunk and the end. {@code noBody}: the caller ended the body without writing
     * (its end task may not have run yet), so the end goes out in the same write as the head.
     */
    void attached(Connection connection, boolean noBody) {
        chunkSent = false;
        if (pendingChunk != null) {
            send(connection);
        }
        if (!ended && pendingChunk == null && noBody) {
            ended = true;
        }
        if (ended) {
            connection.send(writer.stream(StreamRecord.end(ByteStream.STDIN, requestId)), null);
        }
    }

    /** Queues the outstanding chunk on {@code connection}; its write completes when it is written. */
    void send(Connection connection) {
        ByteBuffer chunk = pendingChunk;
        chunkSent = true;
        connection.send(writer.stream(new StreamRecord(ByteStream.STDIN, requestId, chunk)), () -> {
            if (pendingChunk == chunk) {
                chunkWritten = true;
                release();
            }
        });
    }

    /**
     * The caller ended the body: the end record is queued on {@code connection} if there is one.
     *
     * @return false if the end was already queued (with the head)
     */
    boolean end(Connection connection) {
        if (ended) {
            return false;
        }
        ended = true;
        if (connection != null) {
            connection.send(writer.stream(StreamRecord.end(ByteStream.STDIN, requestId)), null);
        }
        return true;
    }

    /** Completes the outstanding write, if any: written, or moot because the exchange ended. */
    void release() {
        CompletableFuture<Void> written = pendingWrite;
        pendingChunk = null;
        pendingWrite = null;
        if (written != null) {
            written.complete(null);
        }
    }

    /** Whether the body ended and its end is queued or sent. */
    boolean ended() {
        return ended;
    }

    /**
     * Whether the application has read or will skip all of the body sent on this connection: it
     * was ended and written in full, or no content was sent at all.
     */
    boolean leftClean() {
        return !chunkSent || ended && pendingChunk == null;
    }

    /** Whether a chunk was acknowledged to the caller: the body can no longer be replayed. */
    boolean anyWritten() {
        return chunkWritten;
    }
}
