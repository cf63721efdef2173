package dev.gatehouse.asgi;

import java.util.Objects;

/**
 * {@code websocket.disconnect} (receive): the socket is closed, by the client, the server or the
 * network. Once delivered, every further {@link Receive#receive()} returns it again.
 *
 * @param code the close code: the client's, or 1005 when its close frame had none, or 1006 when the
 *     connection dropped ({@link CloseCodes#isReportable})
 * @param reason the client's close reason; empty when none (the key is from spec 2.5, provided
 *     here anyway)
 */
public record WebSocketDisconnect(int code, String reason) implements WebSocketEvent, ReceiveEvent {
    public static final String TYPE = "websocket.disconnect";

    public WebSocketDisconnect {
        if (!CloseCodes.isReportable(code)) {
            throw new IllegalArgumentException("close code " + code + " is not valid (RFC 6455 §7.4)");
        }
        Objects.requireNonNull(reason, "reason");
    }

    public WebSocketDisconnect(int code) {
        this(code, "");
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
