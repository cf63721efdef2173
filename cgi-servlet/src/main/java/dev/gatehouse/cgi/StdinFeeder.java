package dev.gatehouse.cgi;

import dev.gatehouse.servlet.DrainBound;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.RequestBodySpool;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Copies the request body to a script's stdin, then closes stdin so the script sees EOF. A
 * spooled body is copied from its file on a gateway thread. The request's own body is read in
 * non-blocking mode (this is its {@link jakarta.servlet.ReadListener}, every read through the guard): a chunk is
 * read only once the previous one is in the pipe, and each pipe write runs on a gateway thread,
 * since it blocks while the script does not read. No read ever blocks, so the exchange can end
 * the request at any time, also while the client has stopped sending.
 *
 * <p>When the script stops reading (a write fails: EPIPE, or it exited), the rest of the body is
 * read and dropped within the {@link DrainBound}'s bytes, so that the client can be answered;
 * the exchange waits for that ({@link #awaitEnd}) before it completes the request, and {@link
 * #stop}s the feeder when it no longer waits.
 */
final class StdinFeeder implements ContainerSide.BodyListener {

    private static final int CHUNK = 64 * 1024;

    private final OutputStream stdin;
    private final RequestBodySpool spool;
    private final ContainerSide container;
    private final Executor executor;
    private final long contentLength;
    private final DrainBound bound;
    private final Consumer<RequestBodyException> onFailure;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final byte[] buffer = new byte[CHUNK];
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile boolean stopped;

    // under this object's monitor
    private ServletInputStream in;
    private boolean writing;
    private boolean draining;
    private boolean done;
    private long read;
    private long dropped;

    /**
     * @param spool the spooled body, or null to read the request itself
     * @param contentLength the request's Content-Length, or -1 when it is not known
     * @param onFailure told once, before stdin is closed, when reading the request body fails
     *     (a malformed body, a client gone or silent), unless the exchange has stopped the feeder
     */
    StdinFeeder(
            OutputStream stdin,
            RequestBodySpool spool,
            ContainerSide container,
            Executor executor,
            long contentLength,
            DrainBound bound,
            Consumer<RequestBodyException> onFailure) {
        this.stdin = stdin;
        this.spool = spool;
        this.container = container;
        this.executor = executor;
        this.contentLength = contentLength;
        this.bound = bound;
        this.onFailure = onFailure;
    }

    /** Starts copying: from the spool on a gateway thread, or as the request's ReadListener. */
    void start() {
        if (spool != null) {
            executor.execute(this::copySpool);
            return;
        }
        try {
            if (!container.readBody(this)) {
                finish(); // the container let go of the request
            }
        } catch (IOException | IllegalStateException e) {
            finish();
        }
    }

    /** Waits up to {@code time} for the copy (and drain) to end; true when it has. */
    boolean awaitEnd(Duration time) throws InterruptedException {
        return ended.await(time.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** No more reading: the exchange ends the request now. */
    void stop() {
        stopped = true;
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
        failed(t);
        finish();
    }

    @Override
    public synchronized void reading(ServletInputStream input) {
        this.in = input;
    }

    private void pump() {
        boolean end;
        Exception failure = null;
        synchronized (this) {
            if (writing || done) {
                return;
            }
            try {
                end = !container.read(this::readSome);
            } catch (IOException | RuntimeException e) {
                // only reads of the request happen here; the pipe is written on another thread
                failure = e;
                end = true;
            }
            if (end) {
                done = true;
            }
        }
        if (failure != null) {
            failed(failure); // outside the monitor: the exchange kills the script
        }
        if (end) {
            finish();
        }
    }

    /** Under the monitor and the guard: reads while input is ready. @return false at the end */
    private boolean readSome() throws IOException {
        while (!stopped && !in.isFinished() && in.isReady()) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read += n;
            container.countIn(n);
            if (draining) {
                dropped += n;
                if (!bound.readOn(dropped, contentLength < 0 ? -1 : contentLength - read)) {
                    return false;
                }
            } else if (n > 0) {
                writing = true;
                executor.execute(() -> write(n));
                return true;
            }
        }
        return !stopped && !in.isFinished();
    }

    /** On a gateway thread: the pipe write, which blocks while the script does not read. */
    private void write(int n) {
        boolean failed = false;
        try {
            stdin.write(buffer, 0, n);
            stdin.flush(); // what the script may wait for is not held back here
        } catch (IOException e) {
            failed = true; // the script stopped reading: drop the rest of the body, bounded
        }
        synchronized (this) {
            writing = false;
            if (failed) {
                draining = true;
                dropped += n;
            }
        }
        pump();
    }

    private void copySpool() {
        try (InputStream file = spool.open()) {
            file.transferTo(stdin);
        } catch (IOException e) {
            // the script exited without reading all of its input: the relay sees it on stdout
        }
        finish();
    }

    /**
     * The body cannot be read to its end: the script must not take what came for the whole body
     * (nor answer it), so the exchange hears it before stdin is closed. Once per feeder.
     */
    private void failed(Throwable t) {
        if (!stopped && !finished.get() && reported.compareAndSet(false, true)) {
            onFailure.accept(RequestBodyException.of(t));
        }
    }

    /** Closes stdin (EOF for the script) on a gateway thread and tells the exchange. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::closeStdin);
        } catch (RejectedExecutionException e) { // the servlet is being destroyed
            closeStdin();
        }
    }

    private void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // a broken pipe: the script is gone
        }
        ended.countDown();
    }
}
