package dev.gatehouse.fastcgi.protocol;

/**
 * {@code FCGI_ABORT_REQUEST} (FastCGI 1.0 §5.4): the client aborts a request, typically because
 * the HTTP client went away; the application answers with {@code FCGI_END_REQUEST}. No content.
 *
 * @param requestId the request to abort, 1–65535
 */
public record AbortRequest(int requestId) implements ClientRecord {

    public AbortRequest {
        FastCgi.requireApplicationRequestId(requestId);
    }

    @Override
    public RecordType type() {
        return RecordType.ABORT_REQUEST;
    }
}
