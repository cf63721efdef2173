package dev.gatehouse.asgi;

/**
 * {@code http.disconnect} (receive): the client went away, or the response is complete. Once
 * delivered, every further {@link Receive#receive()} returns it again.
 */
public record HttpDisconnect() implements HttpEvent, ReceiveEvent {
    public static final String TYPE = "http.disconnect";

    @Override
    public String asgiType() {
        return TYPE;
    }
}
