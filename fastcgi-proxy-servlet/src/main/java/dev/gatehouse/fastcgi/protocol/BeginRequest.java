package dev.gatehouse.fastcgi.protocol;

import java.util.Objects;

/**
 * {@code FCGI_BEGIN_REQUEST} (FastCGI 1.0 §5.1): the client starts request {@code requestId},
 * asking the application to play {@code role}. Its content is {@code FCGI_BeginRequestBody}:
 * the role in two bytes, the flags byte, five reserved bytes.
 *
 * @param requestId the new request, 1–65535
 * @param role the role the application is to play
 * @param keepConn {@code FCGI_KEEP_CONN}: the client keeps the connection open after the
 *     request; without it the application closes the connection when the request ends
 */
public record BeginRequest(int requestId, Role role, boolean keepConn) implements ClientRecord {

    public BeginRequest {
        FastCgi.requireApplicationRequestId(requestId);
        Objects.requireNonNull(role, "role");
    }

    @Override
    public RecordType type() {
        return RecordType.BEGIN_REQUEST;
    }
}
