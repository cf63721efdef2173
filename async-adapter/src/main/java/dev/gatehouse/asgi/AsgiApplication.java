package dev.gatehouse.asgi;

import java.util.concurrent.CompletionStage;

/**
 * An ASGI 3.0 application: called once per connection scope.
 *
 * <p>{@code handle} must return promptly and do its work in stages: servers call it on a container
 * thread, and the test communicator on the test's thread. The returned stage completes when the
 * application is done with the scope; completing it exceptionally, or throwing from {@code handle},
 * is an application failure (the server answers 500 if nothing has been sent, or aborts the
 * connection otherwise). See the package documentation for the rules of each protocol.
 *
 * <p>Loops over events (reading a body, streaming a response, a WebSocket's messages) are best
 * written with {@link Loops#repeat}: {@code receive} and {@code send} stages are mostly complete
 * when returned, and a loop by recursive {@code thenCompose} on them nests a stack frame per event.
 * {@code AsgiServlet} bounds that nesting, so a recursive loop does not overflow the stack with it
 * even for a body of gigabytes, but at the price of a thread hop every few dozen events.
 */
@FunctionalInterface
public interface AsgiApplication {

    CompletionStage<Void> handle(Scope scope, Receive receive, Send send);
}
