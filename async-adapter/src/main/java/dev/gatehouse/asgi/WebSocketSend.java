package dev.gatehouse.asgi;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code websocket.send} (send): one complete message to the client, binary ({@code bytes})
 * or text ({@code text}); exactly one of the two is non-null.
 */
public record WebSocketSend(byte[] bytes, String text) implements WebSocketEvent, SendEvent {
    public static final String TYPE = "websocket.send";

    public WebSocketSend {
        if ((bytes == null) == (text == null)) {
            throw new IllegalArgumentException(TYPE + " needs exactly one of bytes and text");
        }
        bytes = Bytes.copyOrNull(bytes);
    }

    public static WebSocketSend ofText(String text) {
        return new WebSocketSend(null, Objects.requireNonNull(text, "text"));
    }

    public static WebSocketSend ofBytes(byte[] bytes) {
        return new WebSocketSend(Objects.requireNonNull(bytes, "bytes"), null);
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
        return o instanceof WebSocketSend r && Arrays.equals(bytes, r.bytes) && Objects.equals(text, r.text);
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
