package dev.gatehouse.fastcgi.protocol;

import java.util.Optional;

/**
 * The roles a Web server asks an application to play: {@code FCGI_BeginRequestBody.role}
 * (FastCGI 1.0 §5.1, §6, §8).
 */
public enum Role {
    /** {@code FCGI_RESPONDER} (§6.2): the CGI/1.1 role, generating the response to a request. */
    RESPONDER(1),
    /** {@code FCGI_AUTHORIZER} (§6.3): deciding whether a request is authorized. */
    AUTHORIZER(2),
    /** {@code FCGI_FILTER} (§6.4): transforming a data file sent as {@code FCGI_DATA}. */
    FILTER(3);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    /** The value of the two role bytes of {@code FCGI_BeginRequestBody}. */
    public int code() {
        return code;
    }

    /** The role with this code, or empty for a code FastCGI 1.0 does not define. */
    public static Optional<Role> fromCode(int code) {
        for (Role role : values()) {
            if (role.code == code) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
