package dev.gatehouse.asgi;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code websocket.receive} (receive): one complete message from the client, binary ({@code bytes})
 * or text ({@code text}); exactly one of the two is non-null.
 */
public record WebSocketReceive(byte[] bytes, String text) implements WebSocketEvent, ReceiveEvent {
    public static final String TYPE = "websocket.receive";

    public WebSocketReceive {
        if ((bytes == null) == (text == null)) {
            throw new IllegalArgumentException(TYPE + " needs exactly one of bytes and text");
        }
        bytes = Bytes.copyOrNull(bytes);
    }

    public static WebSocketReceive ofText(String text) {
        return new WebSocketReceive(null, Objects.requireNonNull(text, "text"));
    }

    public static WebSocketReceive ofBytes(byte[] bytes) {
        return new WebSocketReceive(Objects.requireNonNull(bytes, "bytes"), null);
    }

    @Override
    public String asgiType() {
        return TYPE;
    }

    @Override
    public byte[] bytes() {
        return Bytes.copyOrNull(bytes);
    }

    public boolean isText() {
        return text != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketReceive r && Arrays.equals(bytes, r.bytes) && Objects.equals(text, r.text);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Objects.hashCode(text);
    }

    @Override
    public String toString() {
        return TYPE + (isText() ? "{text=\"" + text + "\"}" : "{bytes=" + Bytes.render(bytes) + "}");
    }
}
