package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.BackendExchange;
import dev.gatehouse.servlet.BodyTooLargeException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.RequestBodyException;
import dev.gatehouse.servlet.SpoolBudget;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A request body read in full before it is sent, non-blocking: into memory up to
 * {@link #MEMORY_BYTES}, beyond that into a temporary file. It serves two ends: a chunked body
 * (no Content-Length) must be counted so that its length can be sent as CONTENT_LENGTH, since
 * php-fpm reads no body without one; and with {@code requestBuffering} every body is read before
 * a connection is taken, so that a client that sends slowly holds its own socket and this buffer
 * but no php-fpm worker and no thread (nginx's {@code fastcgi_request_buffering on}). Bounded by
 * {@code maxSpoolBytes}; beyond it the caller answers 413. Then {@link #feed(BackendExchange)}
 * sends the body as STDIN: from memory in one write, from the file one chunk per completed write,
 * read on a container thread ({@link AsyncContext#start}), never on the transport thread.
 *
 * <p>Reads run only in the container's {@link ReadListener} calls, under this object's monitor
 * and through the {@link ContainerGuard}; the memory is taken at the first byte, so a client that
 * sends nothing costs nothing but its request.
 *
 * <p>This object owns the file: it is deleted once fed in full, on any failure, when the spool
 * is refused or the client goes away, and when the owner {@link #discard}s it (the container
 * ended the request).
 *
 * <p>Every byte held is first reserved from the servlet's {@link SpoolBudget} through this
 * spool's account (memory at the first byte, disk as each piece spills, so a file exists only
 * past the memory threshold); a refusal ends the spool with {@link SpoolBudget.RefusedException} (503). A
 * client that sends nothing for {@code idleTimeout} ends it with {@link IdleException} (408).
 * The account is closed with the file.
 */
final class BodySpool implements ReadListener {

    /**
     * The most of a body kept in memory: a body up to this size never touches the disk (form
     * posts), one beyond it holds this much memory while it is copied to and fed from the file.
     * The STDIN chunk the streaming path holds per request ({@link RequestBodyPump#CHUNK}), so
     * buffering costs no more memory per request than streaming did.
     */
    static final int MEMORY_BYTES = RequestBodyPump.CHUNK;

    /** The client sent nothing for the idle timeout: the request is answered 408. */
    static final class IdleException extends IOException {
        private static final long serialVersionUID = 1L;

        IdleException(Duration timeout) {
            super("no request body byte for clientBodyTimeout = " + timeout.toMillis() + " ms");
        }
    }

    private final ServletInputStream in;
    private final AsyncContext async;
    private final ContainerGuard guard;
    private final Path directory;
    private final long limit;
    private final long announced;
    private final LongConsumer onSpooled;
    private final Consumer<IOException> onError;
    private final SpoolBudget.Account account;
    private final Duration idleTimeout;
    // under this object's monitor
    private long lastRead = System.nanoTime();
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> idle;
    private byte[] memory;
    private int filled;
    private Path file;
    private FileChannel channel;
    private long length;
    private boolean done;
    private boolean discarded;

    /**
     * @param announced the Content-Length, or -1 for a chunked body: sizes the memory of a small
     *     body to the body
     * @param onSpooled told the body's length once all of it is in
     * @param onError told once if the body cannot be spooled: {@link BodyTooLargeException}, {@link
     *     SpoolBudget.RefusedException} (no budget), {@link IdleException}, a {@link RequestBodyException}
     *     (malformed, cut off or silent: the client's fault), or another {@code IOException} (the
     *     temp file)
     * @param account this spool's share of the servlet's budget, its slot taken; closed with the
     *     file
     * @param idleTimeout the longest the client may send nothing before the body is whole
     */
    BodySpool(
            ServletInputStream in,
            AsyncContext async,
            ContainerGuard guard,
            Path directory,
            long limit,
            long announced,
            LongConsumer onSpooled,
            Consumer<IOException> onError,
            SpoolBudget.Account account,
            Duration idleTimeout) {
        this.in = in;
        this.async = async;
        this.guard = guard;
        this.directory = directory;
        this.limit = limit;
        this.announced = announced;
        this.onSpooled = onSpooled;
        this.onError = onError;
        this.account = account;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Starts the idle clock on {@code timer}: from now the client must send a byte every {@code
     * idleTimeout}. The check is cancelled when the spool ends.
     */
    void watchIdle(ScheduledExecutorService timer) {
        synchronized (this) {
            this.timer = timer;
        }
        schedule(idleTimeout.toNanos());
    }

    private synchronized void schedule(long nanos) {
        if (done) {
            return;
        }
        try {
            idle = timer.schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the servlet is being destroyed: its requests end with it
        }
    }

    private void checkIdle() {
        long wait;
        synchronized (this) {
            if (done) {
                return;
            }
            wait = lastRead + idleTimeout.toNanos() - System.nanoTime();
        }
        if (wait > 0) {
            schedule(wait);
            return;
        }
        fail(new IdleException(idleTimeout));
    }

    /** Under the monitor: the spool ended, its idle check goes. */
    private void stopIdle() {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
    }

    @Override
    public void onDataAvailable() {
        IOException failure;
        synchronized (this) {
            failure = read();
        }
        if (failure != null) {
            fail(failure);
        }
    }

    @Override
    public void onAllDataRead() {
        IOException failure;
        long total;
        synchronized (this) {
            failure = read();
            if (failure == null && done) {
                return;
            }
            if (failure == null && channel != null && filled > 0) {
                failure = write();
            }
            if (failure == null) {
                done = true;
                stopIdle();
            }
            total = length;
        }
        if (failure != null) {
            fail(failure); // outside the monitor: the caller completes the request
            return;
        }
        account.leave(); // whole: no longer spooling, it waits for a connection like any request
        onSpooled.accept(total);
    }

    @Override
    public void onError(Throwable t) {
        fail(RequestBodyException.of(t));
    }

    /**
     * Reads what is ready; under the monitor. Returns the failure that ends the spool, if any: a
     * {@link RequestBodyException} when the client's body could not be read, {@link
     * BodyTooLargeException}, or another {@code IOException} when the file could not be written.
     */
    private IOException read() {
        try {
            return guard.run(this::readReady)
                    ? null
                    : new RequestBodyException(
                            RequestBodyException.Fault.GONE, "the container ended the request", null);
        } catch (IOException e) {
            return e;
        } catch (RuntimeException e) {
            return RequestBodyException.of(e); // the container's unchecked read failure (Jetty)
        }
    }

    private void readReady() throws IOException {
        while (!done && !in.isFinished() && in.isReady()) {
            if (memory == null) {
                int size = announced >= 0 ? (int) Math.min(Math.max(announced, 1), MEMORY_BYTES) : MEMORY_BYTES;
                if (!account.reserveMemory(size)) {
                    throw new SpoolBudget.RefusedException("spoolMemoryBytes");
                }
                memory = new byte[size];
            } else if (filled == memory.length) {
                spill();
            }
            int n;
            try {
                n = in.read(memory, filled, memory.length - filled);
            } catch (IOException e) {
                throw RequestBodyException.of(e);
            }
            if (n < 0) {
                break;
            }
            lastRead = System.nanoTime();
            length += n;
            if (length > limit) {
                throw new BodyTooLargeException(limit);
            }
            filled += n;
        }
    }

    /** Memory is full: moves its bytes to the file, created at the first spill. */
    private void spill() throws IOException {
        if (!account.reserveDisk(filled)) {
            throw new SpoolBudget.RefusedException("spoolDiskBytes");
        }
        if (channel == null) {
            if (memory.length < MEMORY_BYTES) {
                if (!account.reserveMemory(MEMORY_BYTES - memory.length)) {
                    throw new SpoolBudget.RefusedException("spoolMemoryBytes");
                }
                memory = Arrays.copyOf(memory, MEMORY_BYTES); // more came than announced
            }
            file = Files.createTempFile(directory, "gatehouse-fastcgi-body-", ".tmp");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        ByteBuffer bytes = ByteBuffer.wrap(memory, 0, filled);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        filled = 0;
    }

    private IOException write() {
        try {
            spill();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /**
     * Sends the spooled body as STDIN, then ends it; deletes the file at the end. A body in
     * memory goes out in one write, with the end right behind it.
     */
    void feed(BackendExchange backendExchange) {
        if (channel == null) {
            byte[] body;
            int size;
            synchronized (this) {
                body = memory;
                size = filled;
                memory = null;
            }
            if (size > 0) {
                backendExchange.write(ByteBuffer.wrap(body, 0, size)).whenComplete((ok, e) -> account.close());
            } else {
                account.close();
            }
            backendExchange.endBody();
            return;
        }
        feedFrom(backendExchange, 0);
    }

    private void feedFrom(BackendExchange backendExchange, long position) {
        try {
            ByteBuffer chunk = ByteBuffer.wrap(memory);
            int n = channel.read(chunk, position);
            if (n <= 0) {
                backendExchange.endBody();
                delete();
                return;
            }
            backendExchange.write(chunk.flip()).whenComplete((ok, e) -> next(backendExchange, position + n));
        } catch (IOException e) {
            boolean quiet = discarded();
            delete();
            backendExchange.abort();
            if (!quiet) {
                onError.accept(e);
            }
        }
    }

    private void next(BackendExchange backendExchange, long position) {
        try {
            if (!guard.run(() -> async.start(() -> feedFrom(backendExchange, position)))) {
                throw new IllegalStateException("the container ended the request");
            }
        } catch (IOException | IllegalStateException e) {
            delete();
            backendExchange.abort();
        }
    }

    private void fail(IOException e) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            stopIdle();
        }
        delete();
        onError.accept(e);
    }

    /**
     * The request ended while the body was spooled or fed (the container gave up on it, or the
     * client went away): stops the spool quietly and deletes the file.
     */
    void discard() {
        synchronized (this) {
            discarded = true;
            done = true;
            stopIdle();
        }
        delete();
    }

    private synchronized boolean discarded() {
        return discarded;
    }

    /**
     * Closes and deletes the file, if one was made, and then gives back the budget (in that
     * order, so that the files on disk never hold more than the budget, even for the moment
     * between the two); a second call does nothing.
     */
    synchronized void delete() {
        try {
            if (channel != null) {
                channel.close();
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // left for the container's temp dir cleanup
        } finally {
            account.close();
        }
    }
}
