package dev.gatehouse.cgi.mapping;

/**
 * A request path does not lead to a script that may run. The servlet layer maps
 * {@link Reason#NOT_FOUND} to 404 and {@link Reason#FORBIDDEN} to 403.
 */
public final class ScriptResolutionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why resolution failed. */
    public enum Reason {
        /** No file under the script root matches the path. */
        NOT_FOUND,
        /** A file matches but must not run: hidden, not executable, or outside the script root. */
        FORBIDDEN
    }

    private final Reason reason;

    public ScriptResolutionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
