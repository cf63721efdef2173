package dev.gatehouse.it.asgi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Loops over stages the way an application should: no recursion when stages complete at once. */
final class Stages {

    private Stages() {}

    /**
     * Runs {@code step} until its stage yields false. A stage that is already complete continues
     * the loop in place; one that is not continues it from its completion, so the stack never
     * grows with the number of steps (a bridge completes most send stages at once).
     */
    static CompletableFuture<Void> repeat(Supplier<CompletionStage<Boolean>> step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Runnable() {
            @Override
            public void run() {
                while (true) {
                    CompletableFuture<Boolean> next;
                    try {
                        next = step.get().toCompletableFuture();
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                        return;
                    }
                    if (!next.isDone()) {
                        next.whenComplete((more, failure) -> {
                            if (failure != null) {
                                done.completeExceptionally(unwrap(failure));
                            } else if (more) {
                                run();
                            } else {
                                done.complete(null);
                            }
                        });
                        return;
                    }
                    try {
                        if (!next.join()) {
                            done.complete(null);
                            return;
                        }
                    } catch (CompletionException e) {
                        done.completeExceptionally(unwrap(e));
                        return;
                    }
                }
            }
        }.run();
        return done;
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
