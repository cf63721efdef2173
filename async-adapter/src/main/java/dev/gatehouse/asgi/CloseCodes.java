package dev.gatehouse.asgi;

/**
 * WebSocket close codes (RFC 6455 §7.4 and the IANA "WebSocket Close Code Number" registry), and
 * which of them may appear where.
 */
public final class CloseCodes {
    public static final int NORMAL_CLOSURE = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never in a frame: set by the server when the peer's close frame had no code (§7.1.5). */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Never in a frame: set by the server when the connection dropped without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;

    public static final int POLICY_VIOLATION = 1008;
    /** The message is too big to process. */
    public static final int MESSAGE_TOO_BIG = 1009;

    public static final int INTERNAL_ERROR = 1011;
    /** Never in a frame: the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    /** A close frame's reason is at most 123 bytes of UTF-8: 125 bytes of payload minus the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {}

    /**
     * Whether an endpoint may put {@code code} in a close frame, i.e. in {@code websocket.close}:
     * 1000–1003 and 1007–1014 (registered), 3000–4999 (libraries and applications). 1004, 1005,
     * 1006 and 1015 are reserved; 1016–2999 are reserved for the protocol; below 1000 is unused.
     */
    public static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * Whether a server may report {@code code} in {@code websocket.disconnect}: any sendable code
     * (the client's close frame) or one of the codes a server sets itself (1005, 1006, 1015).
     */
    public static boolean isReportable(int code) {
        return isSendable(code) || code == NO_STATUS_RECEIVED || code == ABNORMAL_CLOSURE || code == TLS_HANDSHAKE;
    }
}
