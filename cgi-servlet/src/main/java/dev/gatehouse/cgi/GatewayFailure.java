package dev.gatehouse.cgi;

/**
 * A failure on the gateway side that has a fixed HTTP status: the script could not be started
 * (500), ended before a complete header block (502) or ran out of time (504). Thrown inside the
 * exchange and mapped to its status in one place, {@link CgiExchange#fail(Throwable)}.
 */
final class GatewayFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    GatewayFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    GatewayFailure(int status, String message) {
        this(status, message, null);
    }

    int status() {
        return status;
    }
}
