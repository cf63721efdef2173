package dev.gatehouse.asgi;

import java.util.List;

/**
 * {@code websocket.accept} (send): completes the handshake.
 *
 * @param subprotocol the chosen subprotocol, one the client offered in the scope's {@code
 *     subprotocols}; null for none
 * @param headers extra handshake response headers (spec 2.1); never {@code sec-websocket-protocol},
 *     which {@code subprotocol} sets
 */
public record WebSocketAccept(String subprotocol, List<Header> headers) implements WebSocketEvent, SendEvent {
    public static final String TYPE = "websocket.accept";

    public WebSocketAccept {
        if (subprotocol != null && subprotocol.isEmpty()) {
            throw new IllegalArgumentException("subprotocol is empty; use null for none");
        }
        headers = List.copyOf(headers);
        for (Header h : headers) {
            if (h.hasName("sec-websocket-protocol")) {
                throw new IllegalArgumentException(
                        "websocket.accept headers must not include sec-websocket-protocol; use subprotocol");
            }
        }
    }

    /** Accept with no subprotocol and no extra headers. */
    public WebSocketAccept() {
        this(null, List.of());
    }

    @Override
    public String asgiType() {
        return TYPE;
    }
}
