package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.BackendExchange;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.DrainBound;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Streams a request body of known length from the servlet input to the application as STDIN
 * (FastCGI 1.0 §5.3), non-blocking: a chunk is read only when the previous
 * {@link BackendExchange#write} has completed, into the same buffer, so a request holds one chunk
 * of memory however fast the client sends. The container calls {@link #onDataAvailable} when input
 * arrives; a completed write (on the transport thread) reads on while input is ready. Both run
 * under this object's monitor and through the {@link ContainerGuard}. At the end of input the
 * body is ended ({@link BackendExchange#endBody()}).
 *
 * <p>When the application ends the request before it has read all of STDIN, {@link #dropRest}
 * turns the pump into a drain: the rest of the client's body is read and dropped, within the
 * {@link DrainBound}'s bytes, so that the client sees the answer rather than a connection closed
 * under its unread body; the {@link ProxyExchange} completes the request once the drain has
 * ended.
 */
final class RequestBodyPump implements ReadListener {

    static final int CHUNK = 64 * 1024;

    private final ServletInputStream in;
    private final BackendExchange backendExchange;
    private final ContainerGuard guard;
    private final Consumer<Throwable> onError;
    private final BooleanSupplier requestEnded;
    private final byte[] buffer = new byte[CHUNK];
    private final long contentLength;
    private boolean writing;
    private boolean done;
    private long read;
    // the drain, once the application ended the request
    private DrainBound drain;
    private long dropped;
    private Runnable drained;

    /**
     * @param contentLength the body's announced length
     * @param onError told once when the input fails: the client went away, stopped sending, or
     *     sent a malformed body
     * @param requestEnded whether the proxy exchange has ended the request (asked the container to
     *     complete it, or aborted it): from then on the input is not touched, since a container may
     *     finish the request inline from any call on it
     */
    RequestBodyPump(
            ServletInputStream in,
            long contentLength,
            BackendExchange backendExchange,
            ContainerGuard guard,
            Consumer<Throwable> onError,
            BooleanSupplier requestEnded) {
        this.in = in;
        this.contentLength = contentLength;
        this.backendExchange = backendExchange;
        this.guard = guard;
        this.onError = onError;
        this.requestEnded = requestEnded;
    }

    @Override
    public void onDataAvailable() {
        pump();
    }

    @Override
    public void onAllDataRead() {
        pump();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        onError.accept(t);
    }

    /**
     * The application ended the request: reads and drops the rest of the body within {@code
     * bound}, then runs {@code then} once, at the end of the body, when the bound stops the
     * drain, or when the input fails or the container lets go (at once if the body has ended).
     */
    void dropRest(DrainBound bound, Runnable then) {
        synchronized (this) {
            drain = bound;
            drained = then;
        }
        pump();
    }

    private void pump() {
        Runnable end;
        synchronized (this) {
            pumpLocked();
            end = done ? drained : null;
            if (end != null) {
                drained = null;
            }
        }
        if (end != null) {
            end.run(); // outside the guard and the monitor: it completes the request
        }
    }

    private void pumpLocked() {
        if (writing || done) {
            return;
        }
        if (requestEnded.getAsBoolean()) {
            done = true; // a write completed after the end, or the drain outlived its time
            return;
        }
        if (drain != null && !drain.readOn(dropped, contentLength - read)) {
            done = true; // more is announced than the drain may drop: not drained at all
            return;
        }
        try {
            boolean used = guard.run(() -> {
                while (!in.isFinished() && in.isReady()) {
                    if (guard.released()) {
                        // the container ended the request within isReady() (Jetty runs a pending
                        // completion there, inline): nothing more may be read
                        done = true;
                        return;
                    }
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                    if (drain != null) {
                        dropped += n;
                        if (!drain.readOn(dropped, contentLength - read)) {
                            done = true;
                            return;
                        }
                        continue;
                    }
                    if (n > 0) {
                        writing = true;
                        backendExchange.write(ByteBuffer.wrap(buffer, 0, n)).whenComplete((ok, e) -> written());
                        return;
                    }
                }
                if (in.isFinished()) {
                    done = true;
                    if (drain == null) {
                        backendExchange.endBody();
                    }
                }
            });
            if (!used) {
                done = true;
            }
        } catch (IOException | RuntimeException e) {
            done = true; // a read failed (Jetty's are unchecked): the proxy exchange classifies it
            onError.accept(e);
        }
    }

    private void written() {
        synchronized (this) {
            writing = false;
        }
        pump();
    }
}
