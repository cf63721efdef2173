package dev.gatehouse.fastcgi.protocol;

import java.util.Objects;

/**
 * {@code FCGI_END_REQUEST} (FastCGI 1.0 §5.5): the application ends a request, having processed
 * or rejected it. Its content is {@code FCGI_EndRequestBody}: the application status in four
 * bytes, the protocol status byte, three reserved bytes.
 *
 * @param requestId the request, 1–65535
 * @param appStatus the application-level status, an unsigned 32-bit number (0–4294967295); for
 *     a Responder, the exit status a CGI program would have had
 * @param protocolStatus whether the request completed or why it was rejected
 */
public record EndRequest(int requestId, long appStatus, ProtocolStatus protocolStatus) implements ServerRecord {

    /** The largest application status: four unsigned bytes. */
    public static final long MAX_APP_STATUS = 0xFFFF_FFFFL;

    public EndRequest {
        FastCgi.requireApplicationRequestId(requestId);
        if (appStatus < 0 || appStatus > MAX_APP_STATUS) {
            throw new IllegalArgumentException("appStatus must be 0-" + MAX_APP_STATUS + ": " + appStatus);
        }
        Objects.requireNonNull(protocolStatus, "protocolStatus");
    }

    @Override
    public RecordType type() {
        return RecordType.END_REQUEST;
    }
}
