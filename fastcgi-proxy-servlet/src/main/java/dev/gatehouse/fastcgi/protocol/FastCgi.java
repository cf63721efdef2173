package dev.gatehouse.fastcgi.protocol;

/**
 * The constants of the FastCGI 1.0 protocol (FastCGI 1.0 §8, "Types and Constants"), in one
 * place. The record types, roles and protocol statuses are the enums {@link RecordType},
 * {@link Role} and {@link ProtocolStatus}.
 */
public final class FastCgi {

    /** {@code FCGI_VERSION_1}: the protocol version, the first byte of every header (§3.3). */
    public static final int VERSION_1 = 1;

    /** {@code FCGI_HEADER_LEN}: the fixed length of a record header (§3.3, §8). */
    public static final int HEADER_LENGTH = 8;

    /** {@code FCGI_NULL_REQUEST_ID}: the request id of every management record (§3.3). */
    public static final int NULL_REQUEST_ID = 0;

    /** The largest request id: the header holds it in two bytes (§3.3). */
    public static final int MAX_REQUEST_ID = 0xFFFF;

    /** The largest {@code contentLength}: the header holds it in two bytes (§3.3). */
    public static final int MAX_CONTENT_LENGTH = 0xFFFF;

    /** The largest {@code paddingLength}: the header holds it in one byte (§3.3). */
    public static final int MAX_PADDING_LENGTH = 0xFF;

    /**
     * The record alignment the specification recommends: "records be placed on boundaries that
     * are multiples of eight bytes" (§3.3, Padding).
     */
    public static final int ALIGNMENT = 8;

    /** {@code FCGI_KEEP_CONN}: the flag bit of {@code FCGI_BeginRequestBody.flags} (§5.1). */
    public static final int KEEP_CONN = 1;

    /** {@code FCGI_MAX_CONNS}: the most transport connections the application accepts (§4.1). */
    public static final String MAX_CONNS = "FCGI_MAX_CONNS";

    /** {@code FCGI_MAX_REQS}: the most concurrent requests the application accepts (§4.1). */
    public static final String MAX_REQS = "FCGI_MAX_REQS";

    /** {@code FCGI_MPXS_CONNS}: "1" if the application multiplexes connections (§4.1). */
    public static final String MPXS_CONNS = "FCGI_MPXS_CONNS";

    private FastCgi() {}

    /** Whether {@code requestId} is a valid id for an application record: 1–65535 (§3.3). */
    static boolean isApplicationRequestId(int requestId) {
        return requestId > NULL_REQUEST_ID && requestId <= MAX_REQUEST_ID;
    }

    /** Checks an application record's request id, for the records' constructors. */
    static int requireApplicationRequestId(int requestId) {
        if (!isApplicationRequestId(requestId)) {
            throw new IllegalArgumentException("request id must be 1-" + MAX_REQUEST_ID + ": " + requestId);
        }
        return requestId;
    }
}
