package dev.gatehouse.asgi;

import java.util.concurrent.CompletionStage;

/** The ASGI {@code receive} callable: where the application awaits the next event. */
@FunctionalInterface
public interface Receive {

    /**
     * A stage that completes with the next event, in the order the server produced them. It never
     * fails for a gone client: after disconnect (and, for HTTP, after the response is complete) it
     * completes at once with the disconnect event, every time it is called.
     *
     * <p>The stage is often complete when it is returned (the body is at hand), and a continuation
     * attached to a complete stage runs in place. A loop written by recursion ({@code
     * receive().thenCompose(e -> moreBody ? loop() : answer())}) then nests a frame per event;
     * {@code AsgiServlet} returns a pending stage past a small depth so that the stack unwinds,
     * but the loop is best written with {@link Loops#repeat}, which does not nest at all.
     */
    CompletionStage<ReceiveEvent> receive();
}
