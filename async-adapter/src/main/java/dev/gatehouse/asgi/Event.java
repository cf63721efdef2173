package dev.gatehouse.asgi;

/**
 * An ASGI event (a "message"): an immutable record whose {@link #asgiType()} is the spec's {@code
 * type} key. Events are classified twice, both ways sealed: by protocol ({@link HttpEvent}, {@link
 * WebSocketEvent}, {@link LifespanEvent}) and by direction ({@link ReceiveEvent} from the server to
 * the application, {@link SendEvent} from the application to the server).
 */
public sealed interface Event permits HttpEvent, WebSocketEvent, LifespanEvent, ReceiveEvent, SendEvent {

    /** The ASGI {@code type} of this event, e.g. {@code "http.response.start"}. */
    String asgiType();
}
