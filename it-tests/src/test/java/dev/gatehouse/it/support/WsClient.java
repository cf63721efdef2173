package dev.gatehouse.it.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client on {@code java.net.http} that queues what it receives: whole messages
 * (joined from their parts), the close, or an error. With {@code autoRequest} it asks for the next
 * message as soon as one part arrived; without, it reads only what {@link #request} allows (RFC 6455
 * has no flow control of its own: an unread client leaves the bytes in the TCP buffers).
 */
public final class WsClient implements WebSocket.Listener {

    /** What the client saw. */
    public sealed interface Event permits Text, Binary, Closed, Failed {}

    public record Text(String text) implements Event {}

    public record Binary(byte[] bytes) implements Event {}

    public record Closed(int code, String reason) implements Event {}

    public record Failed(Throwable error) implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final boolean autoRequest;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket socket;

    private WsClient(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    /** Connects to {@code uri} ({@code ws://}), offering {@code subprotocols}; fails as the handshake did. */
    public static WsClient connect(HttpClient http, URI uri, boolean autoRequest, String... subprotocols)
            throws Exception {
        WsClient client = new WsClient(autoRequest);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        builder.header("X-Test", "one");
        client.socket = builder.buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        return client;
    }

    public WebSocket socket() {
        return socket;
    }

    /** Allows {@code n} more parts to be delivered. */
    public void request(long n) {
        socket.request(n);
    }

    /** The next event, waiting at most {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException, TimeoutException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new TimeoutException("no WebSocket event within " + timeout);
        }
        return event;
    }

    /** The next event, or null if none within {@code timeout}. */
    public Event poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(new Text(text.toString()));
            text.setLength(0);
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.write(bytes, 0, bytes.length);
        if (last) {
            events.add(new Binary(binary.toByteArray()));
            binary.reset();
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failed(error));
    }

    private void more(WebSocket webSocket) {
        if (autoRequest) {
            webSocket.request(1);
        }
    }
}
