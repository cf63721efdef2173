package dev.gatehouse.cgi.meta;

/**
 * A gateway program's response header block (RFC 3875 §6) is malformed, too large or missing.
 * The servlet layer answers 502 Bad Gateway.
 */
public final class CgiHeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    public CgiHeaderException(String message) {
        super(message);
    }
}
