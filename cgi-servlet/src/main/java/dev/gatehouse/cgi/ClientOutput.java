package dev.gatehouse.cgi;

import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The response body of one exchange, written by its gateway thread with a deadline on every
 * write: the output stream is put in non-blocking mode (Servlet 6 §5.8, {@link WriteListener})
 * at the first byte, and the gateway thread waits for {@code isReady()} here, outside the
 * container, for at most {@code writeTimeout}.
 *
 * <p>Why not blocking writes: a blocking write to a client that does not read holds the gateway
 * thread inside the container until the container's own idle timeout (Jetty: 30 s), and with it
 * the script slot, whatever the script's {@code timeout} says; nor can another thread end that
 * write, since the {@link ContainerGuard} makes the container's completion wait for a use in
 * progress. Here no use lasts longer than one container call, so a stalled client costs at most
 * {@code writeTimeout} ({@link ClientStalledException}), and a script timeout or a lost request
 * ends the wait at once ({@link #cancel}, {@link #wake}).
 *
 * <p>A container may keep the array of a write until {@code isReady()} answers true again, so
 * {@link #write} returns only then: the caller may reuse its buffer, and the script is held
 * back (its pipe fills) while the client is slow, as with blocking writes.
 */
final class ClientOutput implements WriteListener {

    private final HttpServletResponse response;
    private final ContainerGuard guard;
    private final Duration writeTimeout;
    private final Object lock = new Object();

    /** Set, with the listener, by the gateway thread at the first write; null until then. */
    private ServletOutputStream out;

    // under lock
    private boolean possible;
    private Throwable failure;
    private IOException cancelled;

    ClientOutput(HttpServletResponse response, ContainerGuard guard, Duration writeTimeout) {
        this.response = response;
        this.guard = guard;
        this.writeTimeout = writeTimeout;
    }

    /** Whether anything went through the output stream (it is in non-blocking mode then). */
    boolean started() {
        return out != null;
    }

    /**
     * Writes {@code len} bytes, flushing them when {@code flush}; returns once the container
     * has taken them, so that {@code buf} may be reused.
     */
    void write(byte[] buf, int off, int len, boolean flush) throws IOException {
        awaitReady();
        use(() -> out.write(buf, off, len));
        if (flush) {
            awaitReady();
            use(out::flush);
        }
        awaitReady();
    }

    /** Commits the response head (and whatever is buffered) to the client. */
    void flush() throws IOException {
        awaitReady();
        use(out::flush);
        awaitReady();
    }

    /** Waits until every byte written so far has gone to the client, or the deadline. */
    void awaitSent() throws IOException {
        if (out != null) {
            awaitReady();
        }
    }

    /** Ends a wait for the client, now and later, with {@code why} (the script's timeout). */
    void cancel(IOException why) {
        synchronized (lock) {
            if (cancelled == null) {
                cancelled = why;
            }
            lock.notifyAll();
        }
    }

    /** Wakes a wait to look at the guard again: the container has let go of the request. */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void onWritePossible() {
        synchronized (lock) {
            possible = true;
            lock.notifyAll();
        }
    }

    @Override
    public void onError(Throwable t) {
        synchronized (lock) {
            failure = t != null ? t : new IOException("the container reported a write error");
            lock.notifyAll();
        }
    }

    /**
     * Waits, at most {@code writeTimeout}, until the stream is ready for the next write; the
     * first call puts it in non-blocking mode. A false {@code isReady()} makes the container call
     * {@link #onWritePossible} once it can write again, so a flag reset before the question
     * cannot miss the answer.
     */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + writeTimeout.toNanos();
        if (out == null) {
            use(() -> {
                ServletOutputStream stream = response.getOutputStream();
                stream.setWriteListener(this);
                out = stream;
            });
            // the container calls onWritePossible once at first (Servlet 6 §5.8.2), on a thread
            // of its own: the first write waits for it, so that no write of ours runs beside the
            // container's handling of that call
            awaitPossible(deadline);
        }
        while (true) {
            synchronized (lock) {
                checkEnded();
                possible = false;
            }
            boolean[] ready = new boolean[1];
            use(() -> ready[0] = out.isReady());
            if (ready[0]) {
                return;
            }
            awaitPossible(deadline);
        }
    }

    /** Waits for {@link #onWritePossible} until {@code deadline}, or throws why it cannot come. */
    private void awaitPossible(long deadline) throws IOException {
        synchronized (lock) {
            while (!possible) {
                checkEnded();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ClientStalledException(writeTimeout);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the client");
                }
            }
        }
    }

    /** Under lock: throws when the wait must end for another reason than the client's pace. */
    private void checkEnded() throws IOException {
        if (cancelled != null) {
            throw cancelled;
        }
        if (failure != null) {
            throw new ClientGoneException(
                    failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure));
        }
        if (guard.released()) {
            throw ClientGoneException.containerEnded();
        }
    }

    private void use(ContainerGuard.Action action) throws IOException {
        boolean ran;
        try {
            ran = guard.run(action);
        } catch (ClientGoneException e) {
            throw e;
        } catch (IOException | IllegalStateException e) {
            throw new ClientGoneException(e instanceof IOException io ? io : new IOException(e));
        }
        if (!ran) {
            throw ClientGoneException.containerEnded();
        }
    }

    /** The client took no byte for {@code writeTimeout}: the exchange aborts the connection. */
    static final class ClientStalledException extends IOException {
        private static final long serialVersionUID = 1L;

        ClientStalledException(Duration writeTimeout) {
            super("the client took no output for " + writeTimeout.toMillis() + " ms (writeTimeout)");
        }
    }
}
