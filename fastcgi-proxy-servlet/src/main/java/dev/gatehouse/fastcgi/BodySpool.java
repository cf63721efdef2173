package dev.gatehouse.fastcgi;

import dev.gatehouse.fastcgi.client.Exchange;
import dev.gatehouse.servlet.ContainerGuard;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A request body without Content-Length (chunked transfer coding), copied to a temporary file
 * as it arrives so that its length can be sent as CONTENT_LENGTH: php-fpm reads no body without
 * one. Bounded by {@code maxSpoolBytes}; beyond it the caller answers 413. Then
 * {@link #feed(Exchange)} sends the file as STDIN, one chunk per completed write, reading the
 * file on a container thread ({@link AsyncContext#start}), never on the transport thread.
 *
 * <p>This object owns the file: it is deleted once fed in full, on any failure, and when the
 * spool is refused or the client goes away.
 */
final class BodySpool implements ReadListener {

    /** The spool is full: the request is refused with 413. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("chunked request body exceeds maxSpoolBytes = " + limit);
        }
    }

    private final ServletInputStream in;
    private final AsyncContext async;
    private final ContainerGuard guard;
    private final Path file;
    private final FileChannel channel;
    private final long limit;
    private final LongConsumer onSpooled;
    private final Consumer<IOException> onError;
    private final byte[] buffer = new byte[RequestBodyPump.CHUNK];
    private long length;
    private boolean done;

    /**
     * @param onSpooled told the body's length once all of it is in the file
     * @param onError told once if the body cannot be spooled ({@link TooLargeException}, or the
     *     client went away)
     */
    BodySpool(
            ServletInputStream in,
            AsyncContext async,
            ContainerGuard guard,
            Path directory,
            long limit,
            LongConsumer onSpooled,
            Consumer<IOException> onError)
            throws IOException {
        this.in = in;
        this.async = async;
        this.guard = guard;
        this.limit = limit;
        this.onSpooled = onSpooled;
        this.onError = onError;
        this.file = Files.createTempFile(directory, "gatehouse-fastcgi-body-", ".tmp");
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void onDataAvailable() {
        try {
            while (!done && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                length += n;
                if (length > limit) {
                    throw new TooLargeException(limit);
                }
                channel.write(ByteBuffer.wrap(buffer, 0, n));
            }
        } catch (IOException | IllegalStateException e) {
            fail(e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public void onAllDataRead() {
        synchronized (this) {
            onDataAvailable();
            if (done) {
                return;
            }
            done = true;
        }
        onSpooled.accept(length);
    }

    @Override
    public void onError(Throwable t) {
        fail(new IOException("reading the request body failed: " + t.getMessage(), t));
    }

    /** Sends the spooled body as STDIN, then ends it; deletes the file at the end. */
    void feed(Exchange exchange) {
        feedFrom(exchange, 0);
    }

    private void feedFrom(Exchange exchange, long position) {
        try {
            ByteBuffer chunk = ByteBuffer.wrap(buffer);
            int n = channel.read(chunk, position);
            if (n <= 0) {
                exchange.endBody();
                delete();
                return;
            }
            exchange.write(chunk.flip()).whenComplete((ok, e) -> next(exchange, position + n));
        } catch (IOException e) {
            delete();
            exchange.abort();
            onError.accept(e);
        }
    }

    private void next(Exchange exchange, long position) {
        try {
            if (!guard.run(() -> async.start(() -> feedFrom(exchange, position)))) {
                throw new IllegalStateException("the container ended the request");
            }
        } catch (IOException | IllegalStateException e) {
            delete();
            exchange.abort();
        }
    }

    private void fail(IOException e) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        delete();
        onError.accept(e);
    }

    /** Closes and deletes the file; a second call does nothing. */
    void delete() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // left for the container's temp dir cleanup
        }
    }
}
