package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The client's incremental push parser for what an application sends (FastCGI 1.0 §3.3, §4,
 * §5.3, §5.5), with no I/O of its own. Feed it the connection's input in buffers split anywhere;
 * each {@link #next} call returns the next {@link ServerRecord}, or null once the buffer is
 * used up and more input is needed:
 *
 * <pre>{@code
 * for (ServerRecord record; (record = parser.next(input)) != null; ) {
 *     handle(record);   // a STDOUT piece's content is a view of input: use or copy it here
 * }
 * input.clear();        // null: every byte was consumed, the buffer can be refilled
 * }</pre>
 *
 * <p><b>Stream content is not buffered.</b> STDOUT and STDERR content comes out as
 * {@link StreamRecord} pieces of {@link ByteStream#STDOUT} and {@link ByteStream#STDERR} as soon
 * as it arrives: read-only slices of the
 * caller's {@code input}, valid until the caller overwrites those bytes (copy what must outlive
 * that). A record may thus come out in several pieces, which §3.3 makes equivalent; the empty
 * piece that ends a stream ({@link StreamRecord#isEnd()}) is always returned on its own. Since
 * each call returns at most one record, the caller controls the pace: it may stop calling while
 * its sink is busy and resume with the same, unconsumed input. The parser itself holds at most
 * one partial header and the content of one discrete record (END_REQUEST, UNKNOWN_TYPE: 8 bytes;
 * GET_VALUES_RESULT: up to 65535 bytes and the name-value limit): see {@link #bufferedBytes()}.
 *
 * <p>Discrete records and stream ends are returned after their padding, so after END_REQUEST
 * the parser is at a record boundary and the connection can carry the next request.
 *
 * <p><b>Rejected</b> with {@link FastCgiProtocolException}: a version other than 1; a type
 * FastCGI 1.0 does not define or that only a Web server sends; an application record whose
 * request id is not expected, or a management record whose request id is not 0; END_REQUEST or
 * UNKNOWN_TYPE content that is not exactly 8 bytes; GET_VALUES_RESULT content over the
 * name-value limit or malformed; an undefined END_REQUEST protocol status; and input that ends
 * inside a record ({@link #endOfInput()}). The connection is then unusable, and so is the parser:
 * later calls throw {@link IllegalStateException}. Not thread-safe: one parser per connection.
 */
public final class RecordParser {

    private enum State {
        HEADER,
        STREAM_CONTENT,
        DISCRETE_CONTENT,
        PADDING,
        FAILED
    }

    private final IntPredicate expectedRequestId;
    private final String expectation;
    private final NameValuePairs pairs;
    private final ByteBuffer header = ByteBuffer.allocate(FastCgi.HEADER_LENGTH);

    private State state = State.HEADER;
    private long consumed;
    private long recordOffset;
    private RecordHeader record;
    private ByteStream stream;
    private int contentRemaining;
    private int paddingRemaining;
    private ByteBuffer discrete;
    private ServerRecord pending;
    private String failure;

    private RecordParser(IntPredicate expectedRequestId, String expectation, NameValuePairs pairs) {
        this.expectedRequestId = Objects.requireNonNull(expectedRequestId, "expectedRequestId");
        this.expectation = expectation;
        this.pairs = Objects.requireNonNull(pairs, "pairs");
    }

    /** A parser for a connection that carries the one request {@code requestId}. */
    public static RecordParser forRequest(int requestId, NameValuePairs pairs) {
        FastCgi.requireApplicationRequestId(requestId);
        return new RecordParser(id -> id == requestId, "expected " + requestId, pairs);
    }

    /** {@link #forRequest(int, NameValuePairs)} with the default name-value limits. */
    public static RecordParser forRequest(int requestId) {
        return forRequest(requestId, NameValuePairs.withDefaults());
    }

    /**
     * A parser for a connection whose active requests {@code active} tells, asked for each
     * application record; it may change between calls (multiplexing, or one request after
     * another on a kept connection). {@code id -> false} admits management records only.
     */
    public static RecordParser forRequests(IntPredicate active, NameValuePairs pairs) {
        return new RecordParser(active, "not an active request on this connection", pairs);
    }

    /** {@link #forRequests(IntPredicate, NameValuePairs)} with the default name-value limits. */
    public static RecordParser forRequests(IntPredicate active) {
        return forRequests(active, NameValuePairs.withDefaults());
    }

    /**
     * Parses from {@code input} up to the next record and returns it, advancing the input's
     * position past the bytes used; returns null when all of {@code input} is consumed without
     * completing one.
     *
     * @throws FastCgiProtocolException if the input breaks FastCGI 1.0 or a limit
     * @throws IllegalStateException if an earlier call threw
     */
    public ServerRecord next(ByteBuffer input) throws FastCgiProtocolException {
        try {
            return step(input);
        } catch (FastCgiProtocolException e) {
            state = State.FAILED;
            failure = e.getMessage();
            throw e;
        }
    }

    private ServerRecord step(ByteBuffer input) throws FastCgiProtocolException {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!fill(header, input)) {
                        return null;
                    }
                    startRecord(header.flip());
                    header.clear();
                }
                case STREAM_CONTENT -> {
                    return input.hasRemaining() ? streamPiece(input) : null;
                }
                case DISCRETE_CONTENT -> {
                    if (!fill(discrete, input)) {
                        return null;
                    }
                    pending = DiscreteContent.decode(record, discrete.flip(), pairs, where());
                    discrete = null;
                    state = State.PADDING;
                }
                case PADDING -> {
                    if (!skipPadding(input)) {
                        return null;
                    }
                    state = State.HEADER;
                    if (pending != null) {
                        ServerRecord done = pending;
                        pending = null;
                        return done;
                    }
                }
                case FAILED -> throw new IllegalStateException("the FastCGI input was rejected earlier: " + failure);
            }
        }
    }

    private void startRecord(ByteBuffer bytes) throws FastCgiProtocolException {
        recordOffset = consumed - FastCgi.HEADER_LENGTH;
        record = HeaderValidator.validate(bytes, recordOffset, expectedRequestId, expectation, pairs.maxTotalLength());
        contentRemaining = record.contentLength();
        paddingRemaining = record.paddingLength();
        if (!record.type().isStream()) {
            discrete = ByteBuffer.allocate(record.contentLength());
            state = State.DISCRETE_CONTENT;
        } else {
            stream = applicationStream(record.type());
            if (contentRemaining == 0) {
                pending = streamRecord(Content.EMPTY);
                state = State.PADDING;
            } else {
                state = State.STREAM_CONTENT;
            }
        }
    }

    private ServerRecord streamPiece(ByteBuffer input) {
        int length = Math.min(contentRemaining, input.remaining());
        ServerRecord piece = streamRecord(input.slice(input.position(), length));
        advance(input, length);
        contentRemaining -= length;
        if (contentRemaining == 0) {
            state = State.PADDING;
        }
        return piece;
    }

    private ServerRecord streamRecord(ByteBuffer content) {
        return new StreamRecord(stream, record.requestId(), content);
    }

    /**
     * The stream of a header that {@link HeaderValidator} let through: STDOUT or STDERR, as it
     * refuses the types only a Web server sends. Checked again here so that no change there can
     * make the parser hand out a client's stream.
     */
    private static ByteStream applicationStream(RecordType type) {
        return switch (type) {
            case STDOUT -> ByteStream.STDOUT;
            case STDERR -> ByteStream.STDERR;
            default -> throw new IllegalStateException(type + " is not a byte stream an application sends");
        };
    }

    /** Copies from {@code input} into {@code target}; whether {@code target} is now full. */
    private boolean fill(ByteBuffer target, ByteBuffer input) {
        int length = Math.min(target.remaining(), input.remaining());
        target.put(input.slice(input.position(), length));
        advance(input, length);
        return !target.hasRemaining();
    }

    private boolean skipPadding(ByteBuffer input) {
        int length = Math.min(paddingRemaining, input.remaining());
        advance(input, length);
        paddingRemaining -= length;
        return paddingRemaining == 0;
    }

    private void advance(ByteBuffer input, int length) {
        input.position(input.position() + length);
        consumed += length;
    }

    private String where() {
        return record.type() + " record at byte " + recordOffset;
    }

    /**
     * Declares that the input has ended (the application closed the connection).
     *
     * @throws FastCgiProtocolException if it ended inside a record: a truncated response
     */
    public void endOfInput() throws FastCgiProtocolException {
        String inside =
                switch (state) {
                    case HEADER -> header.position() == 0
                            ? null
                            : "a record header at byte "
                                    + (consumed - header.position()) + " (" + header.position() + " of "
                                    + FastCgi.HEADER_LENGTH + " bytes)";
                    case STREAM_CONTENT, DISCRETE_CONTENT -> "the content of the " + where() + " (" + contentRead()
                            + " of " + record.contentLength() + " bytes)";
                    case PADDING -> "the padding of the " + where() + " ("
                            + (record.paddingLength() - paddingRemaining) + " of "
                            + record.paddingLength() + " bytes)";
                    case FAILED -> throw new IllegalStateException(
                            "the FastCGI input was rejected earlier: " + failure);
                };
        if (inside != null) {
            state = State.FAILED;
            failure = "input ended inside " + inside;
            throw new FastCgiProtocolException(failure);
        }
    }

    private int contentRead() {
        return discrete != null ? discrete.position() : record.contentLength() - contentRemaining;
    }

    /** Whether the input so far ends exactly after a whole record (or is empty). */
    public boolean atRecordBoundary() {
        return state == State.HEADER && header.position() == 0;
    }

    /**
     * The bytes the parser holds copies of: a partial header (at most 8) or the content of one
     * discrete record collected so far. Stream content is never held.
     */
    public int bufferedBytes() {
        return header.position() + (discrete == null ? 0 : discrete.position());
    }

    /** The number of input bytes consumed so far, padding included. */
    public long bytesConsumed() {
        return consumed;
    }
}
