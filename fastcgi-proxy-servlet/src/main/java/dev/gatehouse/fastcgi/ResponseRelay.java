package dev.gatehouse.fastcgi;

import dev.gatehouse.cgi.ContainerGuard;
import dev.gatehouse.cgi.RequestEnd;
import dev.gatehouse.cgi.meta.CgiHeaderException;
import dev.gatehouse.cgi.meta.CgiHeaderParser;
import dev.gatehouse.cgi.meta.CgiResponseHead;
import dev.gatehouse.cgi.meta.ResponseHeadWriter;
import dev.gatehouse.fastcgi.client.Exchange;
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

    /** The largest piece handed to the container in one write. */
    private static final int CHUNK = 16 * 1024;

    private final CgiHeaderParser parser;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ContainerGuard guard;
    private final RequestEnd end;
    private final Runnable onWriteError;
    private volatile Exchange exchange;

    // under this object's monitor
    private ByteBuffer pending;
    private boolean headSent;
    private boolean finishing;

    ResponseRelay(
            int maxHeaderBytes,
            HttpServletResponse response,
            ServletOutputStream out,
            ContainerGuard guard,
            RequestEnd end,
            Runnable onWriteError) {
        this.parser = new CgiHeaderParser(maxHeaderBytes, false);
        this.response = response;
        this.out = out;
        this.guard = guard;
        this.end = end;
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
            byte[] bytes = new byte[content.remaining()];
            content.duplicate().get(bytes);
            int used = parser.feed(bytes, 0, bytes.length);
            content.position(content.position() + used);
            if (!parser.isComplete()) {
                return true;
            }
            sendHead(parser.finish());
        }
        return drain(content);
    }

    /** The application ended the response; completes it once the container has taken every byte. */
    synchronized void finish() throws CgiHeaderException, ClientGoneException {
        if (!headSent) {
            sendHead(parser.finish()); // throws: STDOUT ended inside or before the header block
        }
        finishing = true;
        if (ready()) {
            end.complete();
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
                exchange.demand();
            }
            if (finishing && ready()) {
                end.complete();
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
                    return;
                }
                // a fresh array each time: a container may keep it until the write completes
                byte[] chunk = new byte[Math.min(content.remaining(), CHUNK)];
                content.get(chunk);
                out.write(chunk);
            }
            all[0] = true;
            if (out.isReady()) {
                out.flush(); // a streaming script's output reaches the client as it comes
            }
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

    private void use(ContainerGuard.Use use) throws ClientGoneException {
        try {
            if (!guard.use(use)) {
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
