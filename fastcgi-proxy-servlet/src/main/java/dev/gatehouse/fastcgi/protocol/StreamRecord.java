package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;

/**
 * A piece of a byte stream of one request: STDIN, DATA, STDOUT or STDERR (FastCGI 1.0 §5.3).
 * A stream's value is the concatenation of its pieces' content, "independent of how many
 * records it contains or how its bytes are divided" (§3.3); an empty piece ends the stream. A
 * piece is not necessarily a whole record: {@link RecordParser} hands out content as it
 * arrives, and {@link RecordWriter} splits large pieces into several records.
 */
public sealed interface StreamRecord extends FastCgiRecord permits Stdin, Data, Stdout, Stderr {

    /** A read-only view of the content, positioned at its first byte; each call a fresh view. */
    ByteBuffer content();

    /** Whether this is the empty record that ends the stream (§3.3). */
    default boolean isEnd() {
        return !content().hasRemaining();
    }

    /** The number of content bytes. */
    default int length() {
        return content().remaining();
    }
}
