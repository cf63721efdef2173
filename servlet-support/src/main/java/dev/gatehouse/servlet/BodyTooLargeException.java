package dev.gatehouse.servlet;

import java.io.IOException;

/**
 * A request body is longer than the servlet's {@code maxSpoolBytes}: the request is answered 413.
 * Thrown by the CGI and FastCGI body spools alike; nothing of the body is kept.
 */
public final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
        super("request body exceeds the spool limit of " + limit + " bytes");
    }
}
