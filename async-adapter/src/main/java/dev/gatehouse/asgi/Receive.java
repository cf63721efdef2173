package dev.gatehouse.asgi;

import java.util.concurrent.CompletionStage;

/** The ASGI {@code receive} callable: where the application awaits the next event. */
@FunctionalInterface
public interface Receive {

    /**
     * A stage that completes with the next event, in the order the server produced them. It never
     * fails for a gone client: after disconnect (and, for HTTP, after the response is complete) it
     * completes at once with the disconnect event, every time it is called.
     */
    CompletionStage<ReceiveEvent> receive();
}
