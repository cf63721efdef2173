package dev.gatehouse.fastcgi.client;

import dev.gatehouse.fastcgi.protocol.FastCgiProtocolException;
import dev.gatehouse.fastcgi.protocol.RecordParser;
import dev.gatehouse.fastcgi.protocol.ServerRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.IntPredicate;

/**
 * A connection's input side: one fixed {@value #BUFFER_SIZE}-byte buffer and the record parser
 * over it. Records' content slices point into the buffer without copying, so a slice handed on
 * stays valid only until the next {@link #readFrom}; the connection does not read while a
 * listener holds one (paused).
 */
final class ConnectionInput {

    /** What the client holds of a response at most, per connection. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE).flip();
    private final RecordParser parser;

    /** @param knownRequestId which request ids a record may carry now */
    ConnectionInput(IntPredicate knownRequestId) {
        this.parser = RecordParser.forRequests(knownRequestId);
    }

    /**
     * Reads what {@code channel} has, after the bytes not yet parsed.
     *
     * @return the bytes read, or -1 at the end of input
     */
    int readFrom(ReadableByteChannel channel) throws IOException {
        buffer.compact();
        try {
            return channel.read(buffer);
        } finally {
            buffer.flip();
        }
    }

    /** The next complete record in the buffer, or null when more input is needed. */
    ServerRecord next() throws FastCgiProtocolException {
        return parser.next(buffer);
    }

    /** Bytes read and not yet parsed. */
    int remaining() {
        return buffer.remaining();
    }

    boolean atRecordBoundary() {
        return parser.atRecordBoundary();
    }
}
