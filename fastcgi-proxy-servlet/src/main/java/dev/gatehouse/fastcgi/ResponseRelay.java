package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.cgi.meta.ResponseHeadWriter;
import dev.gatehouse.fastcgi.client.Exchange;
import dev.gatehouse.servlet.ContainerGuard;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The response side of one proxied request: STDOUT (FastCGI 1.0 §5.3) holds a CGI response
 * (RFC 3875 §6), whose header block goes through {@link CgiHeaderParser} and onto the servlet
 * response with {@link ResponseHeadWriter}; the body is written in non-blocking mode.
 *
 * <p><b>Flow control.</b> {@link #onStdout} runs on the FastCGI transport thread and writes while
 * the output stream {@code isReady()}. When it is not, the rest of the buffer is kept (it stays
 * valid while the exchange is paused) and {@code onStdout} answers false; the container's
 * {@link #onWritePossible} writes the rest and calls {@link Exchange#demand()}. So the proxy
 * holds at most the transport's input buffer and one chunk in the container per request, however
 * slow the client. The two threads never write at once: the transport is paused while the
 * container writes, and both run under this object's monitor.
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

    /** The header block is parsed from copies of at most this many bytes. */
    private static final int HEAD_SLICE = 4 * 1024;

    private final CgiHeaderParser parser;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ContainerGuard guard;
    private final Runnable written;
    private final Runnable onWriteError;
    private volatile Exchange exchange;

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

    ResponseRelay(
            int maxHeaderBytes,
            HttpServletResponse response,
            ServletOutputStream out,
            ContainerGuard guard,
            Runnable written,
            Runnable onWriteError) {
        this.parser = new CgiHeaderParser(maxHeaderBytes, false);
        this.response = response;
        this.out = out;
        this.guard = guard;
        this.written = written;
        this.onWriteError = onWriteError;
    }

    void bind(Exchange bound) {
        this.exchange = bound;
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
        return drain(content);
    }

    /**
     * The transport delivered all it had read: what was written since the last flush goes to the
     * client now (a streaming script's output reaches the client as it comes), unless the
     * container is still writing, which sends it anyway, or the response already ended.
     */
    synchronized void readComplete() throws ClientGoneException {
        if (unflushed && pending == null && !finishing) {
            use(() -> {
                if (out.isReady()) {
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
        if (ready()) {
            written.run();
        }
    }

    @Override
    public synchronized void onWritePossible() {
        try {
            if (pending != null) {
                ByteBuffer rest = pending;
                pending = null;
                if (!drain(rest)) {
                    return;
                }
                exchange.demand(); // the transport reads on and flushes after its read
            } else if (!finishing) {
                readComplete(); // what the container kept back while it was busy
            }
            if (finishing && ready()) {
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

    /** Writes while the container is ready; keeps the rest as pending. @return all written */
    private boolean drain(ByteBuffer content) throws ClientGoneException {
        boolean[] all = new boolean[1];
        use(() -> {
            while (content.hasRemaining()) {
                if (!out.isReady()) {
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
        if (!all[0]) {
            pending = content;
        }
        return all[0];
    }

    private boolean ready() throws ClientGoneException {
        boolean[] ready = new boolean[1];
        use(() -> ready[0] = out.isReady());
        return ready[0];
    }

    private void use(ContainerGuard.Action action) throws ClientGoneException {
        try {
            if (!guard.run(action)) {
                throw new ClientGoneException(new IOException("the container ended the request"));
            }
        } catch (ClientGoneException e) {
            throw e;
        } catch (IOException | IllegalStateException e) {
            throw new ClientGoneException(e);
        }
    }

    /** The client connection is gone or broken: nothing more can reach it. */
    static final class ClientGoneException extends Exception {
        private static final long serialVersionUID = 1L;

        ClientGoneException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
