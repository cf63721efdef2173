package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client's record generator (FastCGI 1.0 §3.3, §4.1, §5.1–5.4): turns
 * {@link ClientRecord}s into bytes ready to be written, with no I/O of its own. Every record is
 * padded to a multiple of eight bytes, as §3.3 recommends, and carries at most
 * {@link #MAX_RECORD_CONTENT} bytes.
 *
 * <ul>
 *   <li>BEGIN_REQUEST, ABORT_REQUEST and GET_VALUES become one record in a new buffer.
 *   <li>PARAMS becomes its records and the empty PARAMS record that ends the stream, in one new
 *       buffer. A name-value pair is never split across records unless it alone exceeds a
 *       record: php-fpm decodes each PARAMS record on its own and rejects pairs that straddle
 *       two, although §3.3 allows it.
 *   <li>STDIN and DATA are zero-copy: the result is a gathering-write array of header, content
 *       slice and padding per record, the slices sharing the record's bytes. An empty piece
 *       becomes the empty record that ends the stream. STDOUT and STDERR, which only an
 *       application sends, are refused.
 * </ul>
 *
 * <p>Returned buffers are positioned at their first byte with their limit at their end; padding
 * buffers are shared and read-only. The caller owns the rest and must leave stream content
 * unchanged until it has been written. Instances are immutable and thread-safe.
 */
public final class RecordWriter {

    /**
     * The most content per record: 65528, the largest multiple of eight within the 65535 a
     * header allows. A full record is then exactly 64 KiB with no padding, and content plus
     * padding never exceeds 65535, which php-fpm requires of PARAMS records.
     */
    public static final int MAX_RECORD_CONTENT = FastCgi.MAX_CONTENT_LENGTH & -FastCgi.ALIGNMENT;

    private final NameValuePairs pairs;

    /** A writer that encodes PARAMS and GET_VALUES within {@code pairs}' limits. */
    public RecordWriter(NameValuePairs pairs) {
        this.pairs = Objects.requireNonNull(pairs, "pairs");
    }

    /** A writer with {@link NameValuePairs#withDefaults()}. */
    public RecordWriter() {
        this(NameValuePairs.withDefaults());
    }

    /**
     * Any client record, as a gathering-write array (one buffer for all but STDIN and DATA).
     *
     * @throws IllegalArgumentException if PARAMS or GET_VALUES exceed the name-value limits, or
     *     for a stream the application sends
     */
    public ByteBuffer[] write(ClientRecord record) {
        if (record instanceof StreamRecord piece) {
            return stream(piece);
        } else if (record instanceof BeginRequest begin) {
            return new ByteBuffer[] {beginRequest(begin)};
        } else if (record instanceof Params params) {
            return new ByteBuffer[] {params(params)};
        } else if (record instanceof AbortRequest abort) {
            return new ByteBuffer[] {abortRequest(abort)};
        } else if (record instanceof GetValues getValues) {
            return new ByteBuffer[] {getValues(getValues)};
        }
        throw new IllegalArgumentException("not a FastCGI 1.0 client record: " + record);
    }

    /** BEGIN_REQUEST (§5.1): 16 bytes, the header and {@code FCGI_BeginRequestBody}. */
    public ByteBuffer beginRequest(BeginRequest begin) {
        ByteBuffer out = ByteBuffer.allocate(2 * FastCgi.HEADER_LENGTH);
        RecordHeader.aligned(RecordType.BEGIN_REQUEST, begin.requestId(), FastCgi.HEADER_LENGTH)
                .header(out)
                .putShort((short) begin.role().code())
                .put((byte) (begin.keepConn() ? FastCgi.KEEP_CONN : 0));
        return out.position(out.capacity()).flip();
    }

    /** ABORT_REQUEST (§5.4): 8 bytes, a header without content. */
    public ByteBuffer abortRequest(AbortRequest abort) {
        return RecordHeader.aligned(RecordType.ABORT_REQUEST, abort.requestId(), 0)
                .header();
    }

    /**
     * The whole PARAMS stream (§5.2): the pairs in records of at most
     * {@link #MAX_RECORD_CONTENT} bytes, then the empty PARAMS record.
     *
     * @throws IllegalArgumentException if the pairs exceed the name-value limits
     */
    public ByteBuffer params(Params params) {
        List<byte[]> encoded = pairs.encodeEach(params.pairs());
        List<Integer> lengths = recordLengths(encoded);
        ByteBuffer content =
                ByteBuffer.allocate(encoded.stream().mapToInt(e -> e.length).sum());
        encoded.forEach(content::put);
        content.flip();
        int size = FastCgi.HEADER_LENGTH;
        for (int length : lengths) {
            size += FastCgi.HEADER_LENGTH + length + RecordHeader.paddingFor(length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (int length : lengths) {
            RecordHeader header = RecordHeader.aligned(RecordType.PARAMS, params.requestId(), length);
            header.header(out).put(content.slice(content.position(), length)).put(header.padding());
            content.position(content.position() + length);
        }
        RecordHeader.aligned(RecordType.PARAMS, params.requestId(), 0).header(out);
        return out.flip();
    }

    /**
     * How the encoded pairs fill records: each record takes whole pairs while they fit; a pair
     * larger than a record fills whole records and its rest starts the next one.
     */
    static List<Integer> recordLengths(List<byte[]> encodedPairs) {
        List<Integer> lengths = new ArrayList<>();
        int current = 0;
        for (byte[] pair : encodedPairs) {
            int length = pair.length;
            if (current + length <= MAX_RECORD_CONTENT) {
                current += length;
                continue;
            }
            if (current > 0) {
                lengths.add(current);
            }
            for (; length > MAX_RECORD_CONTENT; length -= MAX_RECORD_CONTENT) {
                lengths.add(MAX_RECORD_CONTENT);
            }
            current = length;
        }
        if (current > 0) {
            lengths.add(current);
        }
        return lengths;
    }

    /**
     * A piece of STDIN or DATA (§5.3), zero-copy, as records of at most
     * {@link #MAX_RECORD_CONTENT} bytes: for each, its header, a read-only slice of the content
     * and, if the content is not a multiple of eight, its padding. An empty piece gives the one
     * header of the record that ends the stream.
     *
     * @throws IllegalArgumentException for STDOUT or STDERR, which only an application sends
     */
    public ByteBuffer[] stream(StreamRecord piece) {
        if (!piece.stream().sentByClient()) {
            throw new IllegalArgumentException(
                    piece.stream() + " is sent by an application, never by a Web server (FastCGI 1.0 §5.3)");
        }
        return stream(piece.type(), piece.requestId(), piece.content());
    }

    private static ByteBuffer[] stream(RecordType type, int requestId, ByteBuffer content) {
        if (!content.hasRemaining()) {
            return new ByteBuffer[] {RecordHeader.aligned(type, requestId, 0).header()};
        }
        List<ByteBuffer> out = new ArrayList<>();
        for (int offset = 0; offset < content.remaining(); offset += MAX_RECORD_CONTENT) {
            int length = Math.min(MAX_RECORD_CONTENT, content.remaining() - offset);
            RecordHeader header = RecordHeader.aligned(type, requestId, length);
            out.add(header.header());
            out.add(content.slice(content.position() + offset, length));
            if (header.paddingLength() > 0) {
                out.add(header.padding());
            }
        }
        return out.toArray(ByteBuffer[]::new);
    }

    /**
     * GET_VALUES (§4.1): one management record of the names with empty values.
     *
     * @throws IllegalArgumentException if the names exceed the name-value limits or one record
     */
    public ByteBuffer getValues(GetValues getValues) {
        List<NameValuePair> query = getValues.names().stream()
                .map(name -> new NameValuePair(name, ""))
                .toList();
        ByteBuffer content = pairs.encode(query);
        if (content.remaining() > MAX_RECORD_CONTENT) {
            throw new IllegalArgumentException("GET_VALUES content of " + content.remaining()
                    + " bytes exceeds one record (" + MAX_RECORD_CONTENT + " bytes)");
        }
        RecordHeader header = RecordHeader.aligned(RecordType.GET_VALUES, FastCgi.NULL_REQUEST_ID, content.remaining());
        ByteBuffer out = ByteBuffer.allocate(header.recordLength());
        return header.header(out).put(content).put(header.padding()).flip();
    }
}
