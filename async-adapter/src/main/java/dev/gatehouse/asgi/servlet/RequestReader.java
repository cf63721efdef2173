package dev.gatehouse.asgi.servlet;

import dev.gatehouse.asgi.Header;
import dev.gatehouse.asgi.HttpProtocol;
import dev.gatehouse.asgi.HttpRequest;
import dev.gatehouse.asgi.ReceiveEvent;
import dev.gatehouse.servlet.ContainerGuard;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The receive side of one exchange: turns the request body into {@code http.request} events,
 * reading only while the application waits in {@code receive()} (demand-driven), one buffer of at
 * most {@code readBufferSize} bytes per event, so memory stays bounded whatever the body size.
 * Reads only when {@code ServletInputStream.isReady()} says so; otherwise the container calls
 * {@link #onDataAvailable} or {@link #onAllDataRead} and reading resumes. Confined to the
 * exchange's {@link SerialLoop}; the listener methods only enqueue.
 */
final class RequestReader implements ReadListener {
    private static final byte[] EMPTY = new byte[0];

    private final HttpExchange exchange;
    private final HttpProtocol protocol;
    private final ContainerGuard guard;
    private final HttpServletRequest request;
    private final int readBufferSize;
    private ServletInputStream in; // asked for on the first read: most requests have no body
    private byte[] buffer;
    private final Deque<CompletableFuture<ReceiveEvent>> waiting = new ArrayDeque<>(2);
    private boolean listening;
    private boolean bodyComplete;
    private volatile List<Header> trailers = List.of();
    /**
     * For the log line of a request that timed out, read off the loop: how much of the body was
     * read, how many receives wait, and since when the container has had nothing ready (a read
     * stalled on the container is told apart from an application that stopped receiving).
     */
    private volatile long bodyBytes;

    private volatile long notReadySince;

    RequestReader(
            HttpExchange exchange,
            HttpProtocol protocol,
            ContainerGuard guard,
            HttpServletRequest request,
            int readBufferSize) {
        this.exchange = exchange;
        this.protocol = protocol;
        this.guard = guard;
        this.request = request;
        this.readBufferSize = readBufferSize;
    }

    /** In the loop: the application called {@code receive()}. */
    void receive(CompletableFuture<ReceiveEvent> event) {
        Optional<ReceiveEvent> finalEvent = protocol.finalEvent();
        if (finalEvent.isPresent()) {
            event.complete(finalEvent.get());
            return;
        }
        if (!listening && !bodyComplete && declaresNoBody()) {
            // nothing to read, so no ReadListener and no dispatch from the container for it
            HttpRequest empty = new HttpRequest(EMPTY, false);
            protocol.deliver(empty);
            bodyComplete = true;
            event.complete(empty);
            return;
        }
        // after the last http.request, receive() waits for the response to end or the client to go
        waiting.add(event);
        if (!listening && !bodyComplete) {
            listening = true;
            if (!guard.enter()) {
                exchange.ioFailed(new IOException("the container has ended the request"));
                return;
            }
            Exception failure = null;
            try {
                exchange.goAsync(); // a ReadListener needs the request async
                in = request.getInputStream();
                in.setReadListener(this);
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                guard.exit();
            }
            if (failure != null) {
                exchange.ioFailed(failure); // outside the use: it may complete the async context
                return;
            }
        }
        read();
    }

    /**
     * Whether the request has no body by its framing: {@code Content-Length: 0}, or in HTTP/1.x
     * neither Content-Length nor Transfer-Encoding (RFC 9112 §6.3: the body is then empty, and
     * without chunked coding there can be no trailers). HTTP/2 may carry a body without a length.
     */
    private boolean declaresNoBody() {
        if (!guard.enter()) {
            return false; // the read fails and reports the container's end
        }
        try {
            long length = request.getContentLengthLong();
            return length == 0
                    || (length < 0
                            && request.getProtocol().startsWith("HTTP/1.")
                            && request.getHeader("transfer-encoding") == null);
        } finally {
            guard.exit();
        }
    }

    /** In the loop: reads one chunk per waiting receive, as long as the container has data. */
    void read() {
        while (!bodyComplete && !waiting.isEmpty() && exchange.running()) {
            HttpRequest chunk;
            try {
                chunk = guard.use(this::readChunk, null);
            } catch (IOException | RuntimeException e) {
                exchange.ioFailed(e);
                return;
            }
            if (chunk == null) {
                if (notReadySince == 0) {
                    notReadySince = System.nanoTime();
                }
                return; // not ready: onDataAvailable or onAllDataRead follows
            }
            notReadySince = 0;
            bodyBytes += chunk.body().length;
            protocol.deliver(chunk);
            bodyComplete = !chunk.moreBody();
            waiting.poll().complete(chunk);
        }
    }

    /** In the loop: once no more input will come, every waiting receive gets the final event. */
    void settle() {
        if (waiting.isEmpty()) {
            return; // the common case: nobody waits, and the final event need not be made
        }
        Optional<ReceiveEvent> finalEvent = protocol.finalEvent();
        if (finalEvent.isPresent()) {
            while (!waiting.isEmpty()) {
                waiting.poll().complete(finalEvent.get());
            }
        }
    }

    /**
     * What the body read is doing, for a log line written off the loop (the fields may be a
     * moment stale): "body: 1048576 bytes read, 1 receive waiting, nothing ready for 59,990 ms".
     */
    String describe() {
        if (!listening) {
            return bodyComplete ? "body: none" : "body: not asked for";
        }
        StringBuilder line = new StringBuilder("body: ").append(bodyBytes).append(" bytes read");
        if (bodyComplete) {
            return line.append(", complete").toString();
        }
        int receives = waiting.size();
        line.append(", ")
                .append(receives)
                .append(receives == 1 ? " receive" : " receives")
                .append(" waiting");
        long since = notReadySince;
        if (receives > 0 && since != 0) {
            line.append(String.format(", nothing ready for %,d ms", (System.nanoTime() - since) / 1_000_000));
        }
        return line.toString();
    }

    List<Header> trailers() {
        return trailers;
    }

    /** Under the guard: the next chunk, or null when the container has none ready yet. */
    private HttpRequest readChunk() throws IOException {
        if (in.isFinished()) {
            return last(EMPTY);
        }
        if (buffer == null) {
            buffer = new byte[bufferSize()];
        }
        while (in.isReady()) {
            int n = in.read(buffer);
            exchange.countIn(n);
            if (n < 0) {
                return last(EMPTY);
            } else if (n > 0) {
                // the event copies the bytes, so the one buffer is reused for the next chunk
                byte[] body = n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
                return in.isFinished() ? last(body) : new HttpRequest(body, true);
            }
        }
        return null;
    }

    /**
     * Allocated on the first read, not per exchange: most requests (GETs) have no body, and 64 KiB
     * per request was the bridge's largest allocation. A declared shorter body gets a buffer of its
     * size (at least one byte, so that a read can report the end).
     */
    private int bufferSize() {
        long declared = request.getContentLengthLong();
        return declared >= 0 && declared < readBufferSize ? (int) Math.max(declared, 1) : readBufferSize;
    }

    private HttpRequest last(byte[] body) {
        if (request.isTrailerFieldsReady()) {
            List<Header> fields = new ArrayList<>();
            for (Map.Entry<String, String> field : request.getTrailerFields().entrySet()) {
                fields.add(Header.of(field.getKey(), field.getValue()));
            }
            trailers = List.copyOf(fields);
        }
        return new HttpRequest(body, false);
    }

    @Override
    public void onDataAvailable() {
        exchange.loop().execute(this::read);
    }

    @Override
    public void onAllDataRead() {
        exchange.loop().execute(this::read);
    }

    @Override
    public void onError(Throwable t) {
        exchange.loop().execute(() -> exchange.ioFailed(t));
    }
}
