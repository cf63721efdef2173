package dev.gatehouse.servlet.path;

import java.util.Objects;

/**
 * A request path that must not be looked up any further under its root, with the status the
 * gateway answers and a reason for its log line (never for the client). Thrown by {@link
 * ConfinedWalk}; each gateway turns it into its own failure type (the CGI servlet's {@code
 * ScriptResolutionException}, the FastCGI proxy's {@code Route}). A client's fault, so it carries
 * no stack trace.
 */
public final class PathRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the refusal answers. */
    public enum Status {
        /** 404: nothing may be named so, or nothing is there. */
        NOT_FOUND,
        /** 403: something is there but must not be reached (hidden, a link out of the root, no regular file). */
        FORBIDDEN
    }

    private final Status status;

    public PathRefusal(Status status, String reason) {
        super(reason, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
    }

    public Status status() {
        return status;
    }
}
