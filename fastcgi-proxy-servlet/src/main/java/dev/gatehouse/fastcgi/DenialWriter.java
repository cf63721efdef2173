package dev.gatehouse.fastcgi;

import dev.gatehouse.servlet.RequestEnd;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/**
 * Writes an authorizer's non-200 body, held in memory, in non-blocking mode: while the
 * container's output stream {@code isReady()}, in pieces, and completes the request through
 * {@link RequestEnd} once every byte is taken. A write error ends the request too.
 *
 * <p>The writer is registered from the FastCGI transport thread inside the
 * {@link dev.gatehouse.servlet.ContainerGuard}; the container may call {@link #onWritePossible} on
 * its own thread before {@code setWriteListener} has returned. Completing the request then
 * would deadlock on Tomcat (its completion waits for the guard, the guard's holder for
 * Tomcat's request lock), so the request is completed only once {@link #registered()} has been
 * called, by whichever of the two comes last.
 */
final class DenialWriter implements WriteListener {

    private static final int CHUNK = 16 * 1024;

    private final ServletOutputStream out;
    private final byte[] body;
    private final RequestEnd end;
    // under this object's monitor
    private int written;
    private boolean registered;
    private boolean finished;

    DenialWriter(ServletOutputStream out, byte[] body, RequestEnd end) {
        this.out = out;
        this.body = body;
        this.end = end;
    }

    @Override
    public synchronized void onWritePossible() throws IOException {
        while (written < body.length) {
            if (!out.isReady()) {
                return;
            }
            int length = Math.min(CHUNK, body.length - written);
            // a fresh array each time: a container may keep it until the write completes
            byte[] chunk = new byte[length];
            System.arraycopy(body, written, chunk, 0, length);
            out.write(chunk);
            written += length;
        }
        if (out.isReady()) {
            finished = true;
            if (registered) {
                end.complete();
            }
        }
    }

    /** {@code setWriteListener} has returned and the guard is released: completing is safe. */
    void registered() {
        boolean complete;
        synchronized (this) {
            registered = true;
            complete = finished;
        }
        if (complete) {
            end.complete();
        }
    }

    @Override
    public void onError(Throwable t) {
        end.complete();
    }
}
