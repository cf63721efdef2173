package dev.gatehouse.asgi;

import java.util.concurrent.CompletionStage;

/** The ASGI {@code send} callable: how the application hands events to the server. */
@FunctionalInterface
public interface Send {

    /**
     * Hands {@code event} to the server. The returned stage is the backpressure: it completes when
     * the server can take more, so an application that chains its next send on it never buffers
     * more than one event. Sends are ordered; a send issued before the previous stage completed is
     * queued behind it.
     *
     * <p>The stage fails with {@link AsgiProtocolException} if the event breaks the protocol's order
     * (checked before anything is written; the exchange's state is unchanged), and with {@link
     * ClientDisconnectedException} if the client is gone.
     *
     * <p>Most stages are complete when they are returned (the container took the bytes), so a
     * producer that sends its next chunk by recursion on the previous stage nests a frame per
     * event, as a recursive receive loop does: use {@link Loops#repeat} (see {@link Receive#receive}).
     */
    CompletionStage<Void> send(SendEvent event);
}
