package dev.gatehouse.fastcgi.managed;

import java.io.IOException;

/**
 * A managed backend did not come up: it exited, or did not accept connections in time. The
 * message names the command and quotes its last lines of output.
 */
public final class BackendStartException extends IOException {
    private static final long serialVersionUID = 1L;

    public BackendStartException(String message) {
        super(message);
    }

    public BackendStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
