package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.fastcgi.client.BackendExchange;
import dev.gatehouse.servlet.ClientGoneException;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.cgi.ResponseHeadWriter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The response side of one proxied request: STDOUT (FastCGI 1.0 §5.3) holds a CGI response
 * (RFC 3875 §6), whose header block goes through {@link CgiHeaderParser} and onto the servlet
 * response with {@link ResponseHeadWriter}; the body is written in non-blocking mode.
 *
 * <p><b>Flow control.</b> {@link #onStdout} runs on the FastCGI transport thread and writes while
 * the output stream {@code isReady()}, so a client that reads promptly gets a streaming script's
 * output as it comes. When the client cannot take more, what is left goes into the {@link
 * ResponseBuffer} ({@code responseBuffering}, nginx's {@code fastcgi_buffering on}) and the
 * transport reads on: the application finishes at its own speed and its connection is released
 * at END_REQUEST, while the container's {@link #onWritePossible} writes the buffered rest. When
 * the buffer refuses (its bound, or the servlet's spool budget), or without a buffer, the rest is
 * kept (it stays valid while the backend exchange is paused) and {@code onStdout} answers false,
 * which pauses the transport until {@code onWritePossible} has written it and calls {@link
 * BackendExchange#demand()}: backpressure, which holds the backend connection but never fails.
 * The two threads never write at once: both run under this object's monitor.
 *
 * <p><b>A stalled client.</b> With a buffer, a client that takes nothing for {@code sendTimeout}
 * while the container waits to write (nginx's {@code send_timeout}, {@link StallWatch}) is cut
 * off: {@code onCutOff} is told, and the owner aborts the connection and {@link #release}s the
 * buffer.
 *
 * <p><b>Local redirects.</b> A {@code Location} with a local path and no Status (RFC 3875
 * §6.2.2) is rare from PHP, which adds {@code Status: 302} itself; it is answered as a client
 * redirect (302 with that Location), not dispatched inside the container.
 */
final class ResponseRelay implements WriteListener {

    /**
     * The largest piece handed to the container in one write: a whole STDOUT record's content
     * (at most 65,535 bytes), so that {@code isReady()} is asked once per record, not per slice.
     */
    private static final int CHUNK = 64 * 1024;

    /**
     * The memory a response buffer holds before it uses a file: one {@link #CHUNK}, so a
     * buffered response costs no more memory than the chunk the container already holds, and a
     * response that does not fit goes to disk (the spool budget bounds the sum).
     */
    static final int BUFFER_MEMORY_BYTES = CHUNK;

    /** The header block is parsed from copies of at most this many bytes. */
    private static final int HEAD_SLICE = 4 * 1024;

    private final CgiHeaderParser parser;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ContainerGuard guard;
    private final Runnable written;
    private final Runnable onWriteError;
    private final ResponseBuffer buffer;
    private final StallWatch stall;
    private final Consumer<String> onCutOff;
    /** Resumes the paused transport: {@link BackendExchange#demand()} of the bound one. */
    private volatile Runnable demand;
    /**
     * Set by {@link #release}: the buffer is gone, so an empty buffer no longer means that every
     * byte reached the container, and {@code written} must not be told.
     */
    private volatile boolean released;

    // under this object's monitor
    private ByteBuffer pending;
    private boolean headSent;
    private boolean finishing;
    private boolean unflushed;
    /**
     * The bytes handed to the container, reused: a container may keep the array until its write
     * completes, which {@code isReady()} answering true tells; every write here follows a true
     * {@code isReady()}. Grown on demand up to {@link #CHUNK}, so a small response stays small.
     */
    private byte[] chunk;

    /** Without a response buffer: backpressure only, as with {@code responseBuffering=false}. */
    ResponseRelay(
            int maxHeaderBytes,
            HttpServletResponse response,
            ServletOutputStream out,
            ContainerGuard guard,
            Runnable written,
            Runnable onWriteError) {
        this(maxHeaderBytes, response, out, guard, written, onWriteError, null, null, null, null);
    }

    /**
     * @param buffer where what the client cannot take now goes, or null for backpressure only
     * @param sendTimeout with a buffer: the longest the client may take nothing while the
     *     container waits to write
     * @param timer where the stall check runs
     * @param onCutOff told once, with why, when the response must be cut off although the client
     *     is there: it took nothing for {@code sendTimeout} (on the timer's thread), or the
     *     buffer could not be read back
     */
    ResponseRelay(
            int maxHeaderBytes,
            HttpServletResponse response,
            ServletOutputStream out,
            ContainerGuard guard,
            Runnable written,
            Runnable onWriteError,
            ResponseBuffer buffer,
            Duration sendTimeout,
            ScheduledExecutorService timer,
            Consumer<String> onCutOff) {
        this.parser = new CgiHeaderParser(maxHeaderBytes, false);
        this.response = response;
        this.out = out;
        this.guard = guard;
        this.written = written;
        this.onWriteError = onWriteError;
        this.buffer = buffer;
        this.onCutOff = onCutOff;
        this.stall = buffer == null
                ? null
                : new StallWatch(
                        timer,
                        sendTimeout,
                        () -> onCutOff.accept(
                                "the client took nothing for sendTimeout = " + sendTimeout.toMillis() + " ms"));
    }

    void bind(BackendExchange bound) {
        this.demand = bound::demand;
    }

    /** As {@link #bind}, for a test without a transport. */
    void bind(Runnable resume) {
        this.demand = resume;
    }

    /** Whether the response head has been applied (a failure now must abort the connection). */
    synchronized boolean headSent() {
        return headSent;
    }

    /**
     * A piece of STDOUT.
     *
     * @return false when the client cannot take more now; {@link #onWritePossible} resumes
     * @throws CgiHeaderException if the header block is malformed or too large
     * @throws ClientGoneException if the container has let go of the request or a write failed
     */
    synchronized boolean onStdout(ByteBuffer content) throws CgiHeaderException, ClientGoneException {
        if (!headSent) {
            // read-only views have no accessible array: copy in small slices (the rest is body)
            byte[] bytes = new byte[Math.min(content.remaining(), HEAD_SLICE)];
            while (content.hasRemaining() && !parser.isComplete()) {
                int length = Math.min(content.remaining(), bytes.length);
                content.duplicate().get(bytes, 0, length);
                content.position(content.position() + parser.feed(bytes, 0, length));
            }
            if (!parser.isComplete()) {
                return true;
            }
            sendHead(parser.finish());
        }
        return take(content);
    }

    /**
     * Body bytes from the application: straight to the client while it can take them (nothing
     * older is buffered), the rest into the buffer, and what the buffer refuses kept as pending.
     *
     * @return whether the transport may read on
     */
    private boolean take(ByteBuffer content) throws ClientGoneException {
        if ((buffer == null || buffer.isEmpty()) && drain(content)) {
            return true;
        }
        if (buffer != null && buffer.offer(content)) {
            pending = null;
            return true;
        }
        pending = content;
        return false;
    }

    /**
     * Writes the buffered bytes while the container is ready.
     *
     * @return whether the buffer is empty now
     */
    private boolean drainBuffer() throws ClientGoneException {
        if (buffer == null) {
            return true;
        }
        boolean[] empty = new boolean[1];
        String[] failure = new String[1];
        use(() -> {
            while (!buffer.isEmpty()) {
                if (!isReady()) {
                    return;
                }
                if (chunk == null || chunk.length < CHUNK) {
                    chunk = new byte[CHUNK];
                }
                int length;
                try {
                    length = buffer.take(chunk, CHUNK);
                } catch (IOException e) {
                    failure[0] = "reading the response buffer failed: " + e.getMessage();
                    return;
                }
                out.write(chunk, 0, length);
                unflushed = true;
            }
            empty[0] = true;
        });
        if (failure[0] != null) {
            onCutOff.accept(failure[0]); // the rest is lost: the body must not look complete
        }
        return empty[0];
    }

    /** Whether the buffer holds nothing (or there is none). */
    private boolean bufferEmpty() {
        return buffer == null || buffer.isEmpty();
    }

    /**
     * Drops what is buffered and deletes its file: the request ended, however. Idempotent; a
     * write after it finds nothing buffered, and {@code written} is not told from now on: a
     * response cut off with bytes still buffered must not be completed as if they had been sent.
     * An owner that cuts a response off takes its abort first and releases after, so that a
     * {@code written} already under way cannot end the response normally.
     */
    void release() {
        // not under the monitor: the container's onComplete calls this, maybe while the
        // transport thread holds the monitor and completes the request
        released = true;
        if (buffer != null) {
            stall.stop();
            buffer.close();
        }
    }

    /** isReady(), noting a false answer: the container will call onWritePossible; until then the client is watched. */
    private boolean isReady() {
        if (out.isReady()) {
            return true;
        }
        if (stall != null) {
            stall.blocked();
        }
        return false;
    }

    /**
     * The transport delivered all it had read: what was written since the last flush goes to the
     * client now (a streaming script's output reaches the client as it comes), unless the
     * container is still writing, which sends it anyway, or the response already ended.
     */
    synchronized void readComplete() throws ClientGoneException {
        if (unflushed && pending == null && !finishing && bufferEmpty()) {
            use(() -> {
                if (isReady()) {
                    out.flush();
                    unflushed = false;
                }
            });
        }
    }

    /** The application ended the response; once the container has taken every byte, tells {@code written}. */
    synchronized void finish() throws CgiHeaderException, ClientGoneException {
        if (!headSent) {
            sendHead(parser.finish()); // throws: STDOUT ended inside or before the header block
        }
        finishing = true;
        if (bufferEmpty() && !released && ready()) {
            written.run();
        }
    }

    @Override
    public synchronized void onWritePossible() {
        if (stall != null) {
            stall.progress();
        }
        try {
            if (!drainBuffer()) {
                return;
            }
            if (pending != null) {
                ByteBuffer rest = pending;
                pending = null;
                if (!take(rest)) {
                    return;
                }
                demand.run(); // the transport reads on and flushes after its read
                if (!bufferEmpty()) {
                    return;
                }
            } else if (!finishing) {
                readComplete(); // what the container kept back while it was busy
            }
            if (finishing && !released && ready()) {
                written.run();
            }
        } catch (ClientGoneException e) {
            onWriteError.run();
        }
    }

    @Override
    public void onError(Throwable t) {
        onWriteError.run();
    }

    private void sendHead(CgiResponseHead head) throws ClientGoneException {
        CgiResponseHead applied = head.kind() == CgiResponseHead.Kind.LOCAL_REDIRECT
                ? new CgiResponseHead(CgiResponseHead.Kind.CLIENT_REDIRECT, 302, head.location(), head.headers())
                : head;
        use(() -> ResponseHeadWriter.apply(applied, response));
        headSent = true;
    }

    /** Writes while the container is ready. @return all written */
    private boolean drain(ByteBuffer content) throws ClientGoneException {
        boolean[] all = new boolean[1];
        use(() -> {
            while (content.hasRemaining()) {
                if (!isReady()) {
                    return; // the container holds the array until onWritePossible
                }
                int length = Math.min(content.remaining(), CHUNK);
                if (chunk == null || chunk.length < length) {
                    chunk = new byte[Math.min(CHUNK, Math.max(length, chunk == null ? 0 : 2 * chunk.length))];
                }
                content.get(chunk, 0, length);
                out.write(chunk, 0, length);
                unflushed = true;
            }
            all[0] = true;
        });
        return all[0];
    }

    private boolean ready() throws ClientGoneException {
        boolean[] ready = new boolean[1];
        use(() -> ready[0] = isReady());
        return ready[0];
    }

    private void use(ContainerGuard.Action action) throws ClientGoneException {
        try {
            if (!guard.run(action)) {
                throw ClientGoneException.containerEnded();
            }
        } catch (ClientGoneException e) {
            throw e;
        } catch (IOException | IllegalStateException e) {
            throw new ClientGoneException(e);
        }
    }
}
