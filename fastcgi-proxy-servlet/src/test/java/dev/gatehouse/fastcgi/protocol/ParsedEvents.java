package dev.gatehouse.fastcgi.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Feeds a parser and collects what it returns, copied out of the input buffers. */
final class ParsedEvents {

    private ParsedEvents() {}

    /** Everything {@code parser} returns for {@code pieces} fed in order, then the end. */
    static List<ServerRecord> parse(RecordParser parser, List<ByteBuffer> pieces) throws FastCgiProtocolException {
        List<ServerRecord> records = new ArrayList<>();
        for (ByteBuffer piece : pieces) {
            for (ServerRecord record; (record = parser.next(piece)) != null; ) {
                records.add(copy(record));
            }
            if (piece.hasRemaining()) {
                throw new AssertionError("the parser left " + piece.remaining() + " bytes");
            }
        }
        parser.endOfInput();
        return records;
    }

    /** {@code bytes} cut at {@code cuts} (ascending offsets), each piece its own buffer. */
    static List<ByteBuffer> split(byte[] bytes, int... cuts) {
        List<ByteBuffer> pieces = new ArrayList<>();
        int start = 0;
        for (int cut : cuts) {
            pieces.add(ByteBuffer.wrap(bytes, start, cut - start).slice());
            start = cut;
        }
        pieces.add(ByteBuffer.wrap(bytes, start, bytes.length - start).slice());
        return pieces;
    }

    /** {@code bytes} one byte per buffer. */
    static List<ByteBuffer> bytewise(byte[] bytes) {
        List<ByteBuffer> pieces = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            pieces.add(ByteBuffer.wrap(bytes, i, 1).slice());
        }
        return pieces;
    }

    /**
     * Adjacent non-empty pieces of one stream joined into one: how a record's content is cut
     * into pieces depends on how the input arrived, and §3.3 makes the cuts meaningless.
     */
    static List<ServerRecord> coalesce(List<ServerRecord> records) {
        List<ServerRecord> out = new ArrayList<>();
        for (ServerRecord record : records) {
            int last = out.size() - 1;
            if (last >= 0 && joinable(out.get(last), record)) {
                out.set(last, join((StreamRecord) out.get(last), (StreamRecord) record));
            } else {
                out.add(record);
            }
        }
        return out;
    }

    private static boolean joinable(ServerRecord a, ServerRecord b) {
        return a instanceof StreamRecord sa
                && b instanceof StreamRecord sb
                && sa.stream() == sb.stream()
                && a.requestId() == b.requestId()
                && !sa.isEnd()
                && !sb.isEnd();
    }

    private static ServerRecord join(StreamRecord a, StreamRecord b) {
        return stream(a, ByteBuffer.wrap(Bytes.array(a.content(), b.content())));
    }

    private static ServerRecord copy(ServerRecord record) {
        return record instanceof StreamRecord stream
                ? stream(stream, ByteBuffer.wrap(Bytes.array(stream.content())))
                : record;
    }

    private static ServerRecord stream(StreamRecord like, ByteBuffer content) {
        return new StreamRecord(like.stream(), like.requestId(), content);
    }
}
