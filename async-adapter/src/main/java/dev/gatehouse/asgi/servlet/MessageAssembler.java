package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.WebSocketReceive;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Joins the parts of one client message (the container's partial deliveries of its frames, RFC
 * 6455 §5.4) into one {@code websocket.receive}, and enforces the largest message: a message that
 * grows past {@code maxMessageSize} bytes (UTF-8 bytes for text) is dropped, {@link
 * Sink#messageTooBig} is called once, and every later part is ignored. Called by the container's reading thread, one part
 * at a time (Jakarta WebSocket 2.1 §5.1: no concurrent onMessage for one session).
 */
final class MessageAssembler {

    /** Where whole messages go. */
    interface Sink {
        /** A whole message, and how many bytes it holds (UTF-8 bytes for text). */
        void received(WebSocketReceive message, long size);

        void messageTooBig();
    }

    private final int maxMessageSize;
    private final Sink sink;
    private StringBuilder text = new StringBuilder();
    private long textBytes;
    private byte[] binary = new byte[0];
    private int binaryLength;
    private boolean refused;

    MessageAssembler(int maxMessageSize, Sink sink) {
        this.maxMessageSize = maxMessageSize;
        this.sink = sink;
    }

    void text(String part, boolean last) {
        if (refused) {
            return;
        }
        textBytes += utf8Length(part);
        if (textBytes > maxMessageSize) {
            refuse();
            return;
        }
        text.append(part);
        if (last) {
            String message = text.toString();
            long size = textBytes;
            text = new StringBuilder();
            textBytes = 0;
            sink.received(WebSocketReceive.ofText(message), size);
        }
    }

    void binary(ByteBuffer part, boolean last) {
        if (refused) {
            return;
        }
        int length = part.remaining();
        if ((long) binaryLength + length > maxMessageSize) {
            refuse();
            return;
        }
        if (binaryLength + length > binary.length) {
            binary =
                    Arrays.copyOf(binary, Math.min(maxMessageSize, Math.max(binaryLength + length, 2 * binary.length)));
        }
        part.get(binary, binaryLength, length);
        binaryLength += length;
        if (last) {
            // WebSocketReceive copies; the buffer is dropped so that an idle socket holds nothing
            byte[] message = Arrays.copyOf(binary, binaryLength);
            binary = new byte[0];
            binaryLength = 0;
            sink.received(WebSocketReceive.ofBytes(message), message.length);
        }
    }

    private void refuse() {
        refused = true;
        text = null;
        binary = null;
        sink.messageTooBig();
    }

    /** The UTF-8 length of {@code s}, without encoding it. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
