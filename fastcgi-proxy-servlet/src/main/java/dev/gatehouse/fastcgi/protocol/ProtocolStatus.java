package dev.gatehouse.fastcgi.protocol;

import java.util.Optional;

/** {@code FCGI_EndRequestBody.protocolStatus}: how the application ended a request (§5.5, §8). */
public enum ProtocolStatus {
    /** {@code FCGI_REQUEST_COMPLETE}: normal end of request. */
    REQUEST_COMPLETE(0),
    /** {@code FCGI_CANT_MPX_CONN}: rejected, the application takes one request per connection. */
    CANT_MPX_CONN(1),
    /** {@code FCGI_OVERLOADED}: rejected, the application ran out of some resource. */
    OVERLOADED(2),
    /** {@code FCGI_UNKNOWN_ROLE}: rejected, the application does not play the requested role. */
    UNKNOWN_ROLE(3);

    private final int code;

    ProtocolStatus(int code) {
        this.code = code;
    }

    /** The value of the {@code protocolStatus} byte. */
    public int code() {
        return code;
    }

    /** The status with this code, or empty for a code FastCGI 1.0 does not define. */
    public static Optional<ProtocolStatus> fromCode(int code) {
        for (ProtocolStatus status : values()) {
            if (status.code == code) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
