package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.ClientDisconnectedException;
import dev.gatehouse.asgi.HttpResponseBody;
import dev.gatehouse.asgi.HttpResponseStart;
import dev.gatehouse.asgi.HttpResponseTrailers;
import dev.gatehouse.asgi.SendEvent;
import dev.gatehouse.servlet.ContainerGuard;
import dev.gatehouse.servlet.SafeLogger;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The send side of one exchange: writes accepted {@code http.response.*} events to the response
 * with the servlet non-blocking API, one at a time, in order. A send's stage completes once the
 * container has taken its bytes: at once if {@code isReady()} stays true after the write, else in
 * {@link #onWritePossible}; sends issued meanwhile wait in a queue. Each non-final chunk is
 * flushed, so a streamed body reaches the client as it is sent. Confined to the exchange's {@link
 * SerialLoop}; the listener methods only enqueue.
 *
 * <p>{@code http.response.start} is only recorded; status and headers are applied with the first
 * body chunk (a single, final chunk also gets a Content-Length). Announced trailers are handed to
 * the container through {@code setTrailerFields} at that point; when the container refuses
 * (HTTP/1.0, or a body that is not chunked because the application set Content-Length) the
 * trailers are dropped with a log line, as RFC 9110 §6.5 lets a recipient discard them.
 */
final class ResponseWriter implements WriteListener {
    private static final System.Logger LOG = SafeLogger.of(ResponseWriter.class.getName());

    private record Pending(SendEvent event, CompletableFuture<Void> stage) {}

    private final HttpExchange exchange;
    private final ContainerGuard guard;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final Deque<Pending> queue = new ArrayDeque<>(2); // rarely more than one waits
    private Map<String, String> trailerFields; // guarded by this; made on first use
    private HttpResponseStart start;
    private boolean headWritten;
    private Pending inFlight;
    private boolean flushOwed;
    private boolean writable;
    private boolean knownReady;

    ResponseWriter(HttpExchange exchange, ContainerGuard guard, HttpServletResponse response, ServletOutputStream out) {
        this.exchange = exchange;
        this.guard = guard;
        this.response = response;
        this.out = out;
    }

    /** In the loop: {@code http.response.start} was accepted; it is written with the first body. */
    /** The status of the recorded {@code http.response.start}, 200 before one. */
    int status() {
        HttpResponseStart s = start;
        return s == null ? 200 : s.status();
    }

    void start(HttpResponseStart event) {
        start = event;
    }

    /** In the loop: a body or trailers event was accepted by the protocol; write it in turn. */
    void enqueue(SendEvent event, CompletableFuture<Void> stage) {
        queue.add(new Pending(event, stage));
        pump();
    }

    /** Whether anything has been handed to the container (then only an abort can fail it). */
    boolean headWritten() {
        return headWritten;
    }

    /** In the loop: writes while the container takes bytes; stops at the first {@code !isReady()}. */
    void pump() {
        if (!writable) {
            return; // the container's first onWritePossible starts the writing, as the API intends
        }
        try {
            while (exchange.running()) {
                if (inFlight != null) {
                    if (!ready()) {
                        return; // onWritePossible follows
                    }
                    if (flushOwed) {
                        flushOwed = false;
                        flush();
                        continue;
                    }
                    done();
                } else if (!queue.isEmpty() && ready()) {
                    inFlight = queue.poll();
                    if (write(inFlight.event())) {
                        done();
                    }
                } else {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            exchange.ioFailed(e);
        }
    }

    /**
     * In the container's dispatch, before the request went async: a whole response body small
     * enough to stay in the response buffer is written into it (a copy, no I/O, so no blocking),
     * without a Content-Length, which the container sets when it completes the response after the
     * dispatch. Returns the send's stage when it was handled so (complete, or failed when the
     * write failed), or null when the event must take the non-blocking path ({@link #enqueue}).
     *
     * <p>Small enough is at most a quarter of {@code getBufferSize()}: Tomcat flushes when a write
     * fills its buffer, and Jetty copies into its buffer only writes up to its output aggregation
     * size (a quarter of the buffer by default) and sends larger ones straight to the network.
     */
    CompletionStage<Void> writeBuffered(SendEvent event) {
        if (!exchange.synchronous()
                || inFlight != null
                || !queue.isEmpty()
                || !(event instanceof HttpResponseBody body)
                || body.moreBody()
                || start.trailers()
                || body.bodyLength() > response.getBufferSize() / 4
                || !exchange.running()) {
            return null;
        }
        try {
            enter();
            try {
                writeHead(-1);
                body.writeTo(out);
                exchange.countOut(body.bodyLength());
            } finally {
                guard.exit();
            }
        } catch (IOException | RuntimeException e) {
            exchange.ioFailed(e);
            return CompletableFuture.failedFuture(new ClientDisconnectedException(event.asgiType()));
        }
        exchange.responseComplete();
        return HttpExchange.SENT;
    }

    /** The container has taken the event in flight: its send completes (and the response, if last). */
    private void done() {
        Pending done = inFlight;
        inFlight = null;
        if (isLast(done.event())) {
            exchange.responseComplete();
        }
        done.stage().complete(null);
    }

    /** In the loop: the client is gone; every send still waiting fails as the spec says. */
    void failAll() {
        List<Pending> failed = new ArrayList<>(queue);
        queue.clear();
        if (inFlight != null) {
            failed.add(0, inFlight);
            inFlight = null;
        }
        for (Pending pending : failed) {
            pending.stage()
                    .completeExceptionally(
                            new ClientDisconnectedException(pending.event().asgiType()));
        }
    }

    private boolean isLast(SendEvent event) {
        if (event instanceof HttpResponseTrailers trailers) {
            return !trailers.moreTrailers();
        }
        return !((HttpResponseBody) event).moreBody() && !start.trailers();
    }

    /**
     * Hands the event to the container; true when it has taken all of it and can take more (no
     * flush owed), learnt in the same guarded use as the write: the common single-chunk response
     * then completes without another round through the guard.
     */
    private boolean write(SendEvent event) throws IOException {
        if (event instanceof HttpResponseTrailers trailers) {
            synchronized (this) {
                ResponseHead.addTrailers(trailers.headers(), trailerFields());
            }
            return false; // the container asks for them when it writes the end of the body
        }
        HttpResponseBody body = (HttpResponseBody) event;
        int length = body.bodyLength();
        enter();
        try {
            if (!headWritten) {
                writeHead(body.moreBody() ? -1 : length);
            }
            if (length > 0) {
                body.writeTo(out); // the event's own array: no copy per chunk
                exchange.countOut(length);
            }
            knownReady = out.isReady();
            flushOwed = body.moreBody();
            return knownReady && !flushOwed;
        } finally {
            guard.exit();
        }
    }

    private void flush() throws IOException {
        enter();
        try {
            out.flush();
            knownReady = false;
        } finally {
            guard.exit();
        }
    }

    private void writeHead(long singleBodyLength) {
        headWritten = true;
        ResponseHead.apply(start, singleBodyLength, response);
        if (start.trailers() && !ResponseHead.announceTrailers(response, this::trailerFieldsCopy)) {
            LOG.log(
                    Level.INFO,
                    "{0}: trailers announced but the container cannot send them on this"
                            + " response (HTTP/1.0 or not chunked); they are dropped",
                    exchange);
        }
    }

    /** The trailer fields to hand the container, made on first use: most responses have none. */
    private Map<String, String> trailerFields() {
        if (trailerFields == null) {
            trailerFields = new LinkedHashMap<>();
        }
        return trailerFields;
    }

    /** What the container asks for when it writes the end of the body, on its own thread. */
    private synchronized Map<String, String> trailerFieldsCopy() {
        return new LinkedHashMap<>(trailerFields());
    }

    /**
     * {@code isReady()}, asked only when not already known: true after {@code onWritePossible}
     * until the next write or flush (Tomcat and Jetty check readiness inside {@code write} as well).
     */
    private boolean ready() throws IOException {
        if (knownReady) {
            return true;
        }
        if (!guard.enter()) {
            return false;
        }
        try {
            knownReady = out.isReady();
            return knownReady;
        } finally {
            guard.exit();
        }
    }

    private void enter() throws IOException {
        if (!guard.enter()) {
            throw new IOException("the container has ended the request");
        }
    }

    @Override
    public void onWritePossible() {
        SerialLoop loop = exchange.loop();
        if (loop.tryEnter()) {
            try {
                writePossible();
            } finally {
                loop.leave();
            }
        } else {
            loop.execute(this::writePossible);
        }
    }

    private void writePossible() {
        if (!writable) {
            // the first call: nothing written yet, so a write is possible now; a later call may
            // run after the loop wrote again, so then isReady() is asked
            writable = true;
            knownReady = true;
        }
        pump();
    }

    @Override
    public void onError(Throwable t) {
        exchange.loop().execute(() -> exchange.ioFailed(t));
    }
}
