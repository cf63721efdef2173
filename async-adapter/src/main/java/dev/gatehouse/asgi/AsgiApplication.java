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
 */
@FunctionalInterface
public interface AsgiApplication {

    CompletionStage<Void> handle(Scope scope, Receive receive, Send send);
}
