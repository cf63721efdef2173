package dev.gatehouse.asgi.testing;

/**
 * The application under test failed: its stage completed exceptionally, {@code handle} threw, or
 * it returned leaving the exchange incomplete. The cause is the application's own exception
 * (unwrapped from {@link java.util.concurrent.CompletionException}), e.g. the {@link
 * dev.gatehouse.asgi.AsgiProtocolException} a misplaced send produced.
 */
public final class ApplicationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApplicationFailedException(Throwable cause) {
        super("application failed: " + cause, cause);
    }
}
