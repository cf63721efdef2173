package dev.gatehouse.fastcgi.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The bytes a connection has yet to write: segments of buffers, each optionally followed by an
 * action to run once the whole segment is on the wire (to complete a body write). Written with
 * gathering writes until the channel would block. Holds no copies: the buffers are the
 * {@code RecordWriter}'s output, which for STDIN share the caller's bytes.
 */
final class Outbound {

    private record Segment(ByteBuffer[] buffers, Runnable written) {}

    private final Deque<Segment> segments = new ArrayDeque<>();

    void add(ByteBuffer[] buffers, Runnable written) {
        segments.add(new Segment(buffers, written));
    }

    void add(ByteBuffer buffer) {
        add(new ByteBuffer[] {buffer}, null);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /**
     * Writes as much as the channel takes now.
     *
     * @return the number of bytes written
     */
    long flush(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (!segments.isEmpty()) {
            List<ByteBuffer> pending = new ArrayList<>();
            for (Segment segment : segments) {
                for (ByteBuffer buffer : segment.buffers()) {
                    if (buffer.hasRemaining()) {
                        pending.add(buffer);
                    }
                }
            }
            long written = channel.write(pending.toArray(ByteBuffer[]::new));
            total += written;
            boolean progress = completeWritten();
            if (written == 0 && !progress) {
                break;
            }
        }
        return total;
    }

    /** Removes the leading segments that are fully written, running their actions. */
    private boolean completeWritten() {
        boolean any = false;
        while (!segments.isEmpty() && fullyWritten(segments.peekFirst())) {
            Segment done = segments.pollFirst();
            any = true;
            if (done.written() != null) {
                done.written().run();
            }
        }
        return any;
    }

    private static boolean fullyWritten(Segment segment) {
        for (ByteBuffer buffer : segment.buffers()) {
            if (buffer.hasRemaining()) {
                return false;
            }
        }
        return true;
    }

    /** Drops what was not written, without running the actions. */
    void clear() {
        segments.clear();
    }
}
