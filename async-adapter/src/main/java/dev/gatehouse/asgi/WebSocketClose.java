package dev.gatehouse.asgi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code websocket.close} (send): close the socket with {@code code} and {@code reason} (spec
 * 2.3). Sent before {@code websocket.accept}, it refuses the handshake: the server answers HTTP 403
 * and the code is not used.
 *
 * @param code a code an endpoint may send (RFC 6455 §7.4, {@link CloseCodes#isSendable})
 * @param reason at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125 bytes of control frame payload)
 */
public record WebSocketClose(int code, String reason) implements WebSocketEvent, SendEvent {
    public static final String TYPE = "websocket.close";

    public WebSocketClose {
        if (!CloseCodes.isSendable(code)) {
            throw new IllegalArgumentException(
                    "close code " + code + " may not be sent in a close frame (RFC 6455 §7.4)");
        }
        Objects.requireNonNull(reason, "reason");
        int length = reason.getBytes(StandardCharsets.UTF_8).length;
        if (length > CloseCodes.MAX_REASON_BYTES) {
            throw new IllegalArgumentException(
                    "close reason is " + length + " bytes of UTF-8; at most 123 fit a close frame");
        }
    }

    /** Close with 1000 (normal closure) and no reason: the spec's defaults. */
    public WebSocketClose() {
        this(CloseCodes.NORMAL_CLOSURE, "");
    }

    public WebSocketClose(int code) {
        this(code, "");
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
