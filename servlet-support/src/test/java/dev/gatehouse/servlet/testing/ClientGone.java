package dev.gatehouse.servlet.testing;

import java.io.IOException;

/**
 * The three ways a container tells a bridge that the client went away, for a parameterized test
 * of each bridge's glue: a write that fails (Tomcat's broken pipe), the {@code WriteListener}'s
 * {@code onError}, and the {@code AsyncListener}'s {@code onError}. Drives the fakes.
 */
public enum ClientGone {
    FAILING_WRITE,
    WRITE_LISTENER_ERROR,
    ASYNC_LISTENER_ERROR;

    /** Makes the container report the client gone this way. */
    public void happen(FakeOutputStream out, FakeAsyncContext async) throws IOException {
        switch (this) {
            case FAILING_WRITE -> {
                out.failWrites(new IOException("Broken pipe"));
                out.makeReady();
            }
            case WRITE_LISTENER_ERROR -> out.fireError(new IOException("Connection reset by peer"));
            case ASYNC_LISTENER_ERROR -> async.fireError(new IOException("Connection reset by peer"));
        }
    }
}
