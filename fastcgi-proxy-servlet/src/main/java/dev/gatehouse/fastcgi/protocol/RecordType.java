package dev.gatehouse.fastcgi.protocol;

import java.util.Optional;

/**
 * The record types of FastCGI 1.0 (§8), with their codes and the two classifications of §3.3:
 * management or application, discrete or stream.
 */
public enum RecordType {
    /** {@code FCGI_BEGIN_REQUEST} (§5.1): the Web server starts a request. */
    BEGIN_REQUEST(1, false, false),
    /** {@code FCGI_ABORT_REQUEST} (§5.4): the Web server aborts a request. */
    ABORT_REQUEST(2, false, false),
    /** {@code FCGI_END_REQUEST} (§5.5): the application ends a request. */
    END_REQUEST(3, false, false),
    /** {@code FCGI_PARAMS} (§5.2): the name-value pair stream to the application. */
    PARAMS(4, false, true),
    /** {@code FCGI_STDIN} (§5.3): the byte stream to the application, the request body. */
    STDIN(5, false, true),
    /** {@code FCGI_STDOUT} (§5.3): the byte stream from the application, the CGI response. */
    STDOUT(6, false, true),
    /** {@code FCGI_STDERR} (§5.3): the error stream from the application. */
    STDERR(7, false, true),
    /** {@code FCGI_DATA} (§5.3): the Filter role's second stream to the application (§6.4). */
    DATA(8, false, true),
    /** {@code FCGI_GET_VALUES} (§4.1): the Web server queries management variables. */
    GET_VALUES(9, true, false),
    /** {@code FCGI_GET_VALUES_RESULT} (§4.1): the application's answer to a query. */
    GET_VALUES_RESULT(10, true, false),
    /** {@code FCGI_UNKNOWN_TYPE} (§4.2): the application does not know a management record. */
    UNKNOWN_TYPE(11, true, false);

    private static final RecordType[] BY_CODE = new RecordType[UNKNOWN_TYPE.code + 1];

    static {
        for (RecordType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean management;
    private final boolean stream;

    RecordType(int code, boolean management, boolean stream) {
        this.code = code;
        this.management = management;
        this.stream = stream;
    }

    /** The value of the header's {@code type} byte. */
    public int code() {
        return code;
    }

    /** A management record (request id 0) rather than an application record (§3.3). */
    public boolean isManagement() {
        return management;
    }

    /** A stream record, ended by an empty record of its type, not a discrete one (§3.3). */
    public boolean isStream() {
        return stream;
    }

    /** The type with this code, or empty for a code FastCGI 1.0 does not define. */
    public static Optional<RecordType> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }
}
