package dev.gatehouse.cgi;

import dev.gatehouse.servlet.BodyTooLargeException;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestBodySpool;
import dev.gatehouse.servlet.SpoolBudget;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request body whole into a {@link RequestBodySpool} before its request asks for a
 * script slot, as nginx does in front of fcgiwrap: a client that sends slowly holds a connection
 * and at most {@link RequestBodySpool#MEMORY_BYTES} of heap (or a temp file), never a slot, a
 * process or a thread. It is the request's {@code ReadListener}: every read is non-blocking and
 * goes through the exchange's guard, and nothing waits between the client's packets.
 *
 * <p>Exactly one of the two outcomes is reported, once: {@link Outcome#buffered} with the spool
 * (which the exchange then owns and closes), or {@link Outcome#failed} with a status, after the
 * spool has been closed (its file deleted). A body that is not whole within the deadline fails
 * with 408, as does one from a client that sends nothing for {@code clientBodyTimeout}; one
 * beyond the spool limit with 413; one the servlet's spool budget cannot hold with 503; a failed
 * read with the status of its {@link RequestBodyException}: 400 for a malformed body (a bad chunk)
 * or a client that went away (which it never sees), 408 for the container's idle timeout; a temp
 * file that cannot be written with 500. {@link #abandon} ends it from outside: the container gave
 * up on the request, or the servlet is being destroyed.
 */
final class BodyBuffer implements ContainerSide.BodyListener {

    /** What the exchange hears once the body is whole, or once it never will be. */
    interface Outcome {
        /** The whole body is in {@code spool}; the caller owns it from now on. */
        void buffered(RequestBodySpool spool);

        /** Buffering ended without a body; the spool is already closed. */
        void failed(int status, String why);
    }

    private enum State {
        READING,
        BUFFERED,
        FAILED
    }

    private static final int READ_CHUNK = 16 * 1024;

    private final ContainerSide container;
    private final RequestBodySpool spool;
    private final Outcome outcome;

    // under this object's monitor
    private State state = State.READING;
    private ServletInputStream in;
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> idle;
    private long lastRead = System.nanoTime();
    private CgiRuntime runtime;

    BodyBuffer(ContainerSide container, RequestBodySpool spool, Outcome outcome) {
        this.container = container;
        this.spool = spool;
        this.outcome = outcome;
    }

    /** Becomes the request's ReadListener; {@code deadline} then fails it with 408 unless done. */
    void start(CgiRuntime runtime) {
        try {
            synchronized (this) {
                this.runtime = runtime;
                deadline = runtime.timer()
                        .schedule(
                                () -> fail(408, "request body not whole within the timeout"),
                                runtime.config().timeout().toMillis(),
                                TimeUnit.MILLISECONDS);
                idle = runtime.timer()
                        .schedule(
                                this::checkIdle,
                                runtime.config().clientBodyTimeout().toNanos(),
                                TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            fail(503, "the servlet is being destroyed");
            return;
        }
        try {
            if (!container.readBody(this)) {
                fail(400, "the container ended the request before its body was read");
            }
        } catch (IOException | RuntimeException e) {
            failed(RequestBodyException.of(e));
        }
    }

    /** The client must send a byte every {@code clientBodyTimeout}: else 408, as nginx's {@code client_body_timeout}. */
    private void checkIdle() {
        long wait;
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            wait = lastRead + runtime.config().clientBodyTimeout().toNanos() - System.nanoTime();
            if (wait > 0) {
                try {
                    idle = runtime.timer().schedule(this::checkIdle, wait, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    return; // the servlet is being destroyed: it abandons every buffer
                }
                return;
            }
        }
        fail(
                408,
                "no request body byte for clientBodyTimeout = "
                        + runtime.config().clientBodyTimeout().toMillis() + " ms");
    }

    /** Ends buffering from outside (container gave up, servlet destroyed): answers {@code status}. */
    void abandon(int status, String why) {
        fail(status, why);
    }

    @Override
    public synchronized void reading(ServletInputStream input) {
        this.in = input;
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
        failed(RequestBodyException.of(t));
    }

    private void pump() {
        boolean whole;
        try {
            synchronized (this) {
                if (state != State.READING) {
                    return;
                }
                whole = container.read(this::readSome);
            }
        } catch (BodyTooLargeException e) {
            fail(413, e.getMessage());
            return;
        } catch (SpoolBudget.RefusedException e) {
            fail(503, e.getMessage());
            return;
        } catch (RequestBodyException e) {
            failed(e);
            return;
        } catch (IOException e) {
            // not the client's: readSome tags every failed read, so this is the spool's file
            fail(500, "cannot write the request body to a temporary file: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            failed(RequestBodyException.of(e)); // the container's unchecked read failure (Jetty)
            return;
        }
        if (whole) {
            buffered();
        }
    }

    /** Under the monitor and the guard: reads while input is ready. @return true once it is all in */
    private boolean readSome() throws IOException {
        byte[] chunk = null; // per call: a client that waits between packets holds no read buffer
        while (in.isReady() && !in.isFinished()) {
            if (chunk == null) {
                chunk = new byte[READ_CHUNK];
            }
            int n;
            try {
                n = in.read(chunk);
            } catch (IOException e) {
                throw RequestBodyException.of(e);
            }
            if (n < 0) {
                break;
            }
            lastRead = System.nanoTime();
            container.countIn(n);
            spool.write(chunk, 0, n);
        }
        return in.isFinished();
    }

    private void buffered() {
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            state = State.BUFFERED;
            deadline.cancel(false);
            idle.cancel(false);
        }
        try {
            spool.finish();
        } catch (IOException e) {
            spool.close();
            outcome.failed(500, "cannot write the request body to a temporary file: " + e.getMessage());
            return;
        }
        outcome.buffered(spool);
    }

    /** The client's fault: one status and one line (its message), never a stack trace. */
    private void failed(RequestBodyException e) {
        fail(e.status(), e.getMessage());
    }

    private void fail(int status, String why) {
        synchronized (this) {
            if (state != State.READING) {
                return;
            }
            state = State.FAILED;
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (idle != null) {
                idle.cancel(false);
            }
            spool.close();
        }
        outcome.failed(status, why);
    }
}
