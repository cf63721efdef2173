package dev.gatehouse.sample.asgi;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The loop every streaming application needs: run an asynchronous step (receive a chunk, send a
 * chunk) again and again until it answers false.
 *
 * <p>Why not simply recurse with {@code thenCompose}: a server completes most send and receive
 * stages at once, and a continuation on a completed stage runs in place, so a recursive loop over
 * a 1 GiB body would nest thousands of calls and overflow the stack. Here a step whose stage is
 * already complete is followed in a plain {@code while} loop; only a stage that is really pending
 * continues the loop from its completion.
 */
final class Loop {

    private Loop() {}

    /**
     * Runs {@code step} until its stage yields false, and returns a stage that completes then, or
     * fails with the first failure of a step.
     */
    static CompletableFuture<Void> repeat(Supplier<? extends CompletionStage<Boolean>> step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(step, done);
        return done;
    }

    private static void run(Supplier<? extends CompletionStage<Boolean>> step, CompletableFuture<Void> done) {
        while (true) {
            CompletableFuture<Boolean> stage;
            try {
                stage = step.get().toCompletableFuture();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (!stage.isDone()) {
                stage.whenComplete((again, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(unwrap(failure));
                    } else if (again) {
                        run(step, done);
                    } else {
                        done.complete(null);
                    }
                });
                return;
            }
            boolean again;
            try {
                again = stage.join();
            } catch (CompletionException | CancellationException e) {
                done.completeExceptionally(unwrap(e));
                return;
            }
            if (!again) {
                done.complete(null);
                return;
            }
        }
    }

    /** The exception a stage failed with, without the {@link CompletionException} wrapper. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
