package dev.gatehouse.it.support;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket listener that queues each whole text message, and the close as "closed CODE REASON". */
public final class WebSocketInbox implements WebSocket.Listener {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Duration wait;

    public WebSocketInbox(Duration wait) {
        this.wait = wait;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        socket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
        messages.add("closed " + code + " " + reason);
        return null;
    }

    /** The next message, waiting at most the inbox's wait; an AssertionError when none came. */
    public String next() throws InterruptedException {
        String message = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + wait);
        }
        return message;
    }
}
