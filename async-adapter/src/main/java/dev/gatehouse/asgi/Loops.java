package dev.gatehouse.asgi;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The loop every streaming application needs: run an asynchronous step (receive a chunk, send a
 * chunk) again and again until it answers false, with a stack that does not grow with the number
 * of steps.
 *
 * <p>Why a helper: a server completes most {@link Receive#receive()} and {@link Send#send} stages
 * at once (the body is at hand, the container took the bytes), and a continuation attached to a
 * completed stage runs in place. The loop the ASGI spec suggests, written by recursion,
 *
 * <pre>{@code
 * CompletionStage<Void> consume() {
 *     return receive.receive().thenCompose(e -> ((HttpRequest) e).moreBody() ? consume() : answer());
 * }
 * }</pre>
 *
 * therefore nests one frame of {@code thenCompose} per event while the stages keep completing at
 * once. The bridge bounds that nesting itself (past a small depth it returns a pending stage,
 * which unwinds the stack), so such code works with {@code AsgiServlet}; but each bound costs a
 * hop to another thread, other servers and test doubles need not bound it, and the stack depth of
 * the application's own frames is still the application's. With {@link #repeat} a step whose stage
 * is already complete is followed in a plain {@code while} loop, and only a stage that is really
 * pending continues the loop from its completion:
 *
 * <pre>{@code
 * long[] total = {0};
 * return Loops.repeat(() -> receive.receive().thenApply(e -> {
 *             HttpRequest chunk = (HttpRequest) e;
 *             total[0] += chunk.body().length;
 *             return chunk.moreBody();
 *         }))
 *         .thenCompose(v -> answer(total[0]));
 * }</pre>
 */
public final class Loops {

    private Loops() {}

    /**
     * Runs {@code step} until its stage yields false, and returns a stage that completes then, or
     * fails with the first failure of a step (a step that throws, or whose stage fails; without
     * {@link CompletionException}'s wrapping). A step runs only after the previous step's stage
     * completed, on the thread that completed it or, when it was complete already, in the same
     * loop as the previous one.
     */
    public static CompletableFuture<Void> repeat(Supplier<? extends CompletionStage<Boolean>> step) {
        Objects.requireNonNull(step, "step");
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(step, done);
        return done;
    }

    private static void run(Supplier<? extends CompletionStage<Boolean>> step, CompletableFuture<Void> done) {
        while (true) {
            CompletableFuture<Boolean> stage;
            try {
                CompletionStage<Boolean> next = step.get();
                if (next == null) {
                    throw new NullPointerException("the step returned null");
                }
                stage = next.toCompletableFuture();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (!stage.isDone()) {
                stage.whenComplete((again, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(unwrap(failure));
                    } else if (Boolean.TRUE.equals(again)) {
                        run(step, done);
                    } else {
                        done.complete(null);
                    }
                });
                return;
            }
            Boolean again;
            try {
                again = stage.join();
            } catch (CompletionException | CancellationException e) {
                done.completeExceptionally(unwrap(e));
                return;
            }
            if (!Boolean.TRUE.equals(again)) {
                done.complete(null);
                return;
            }
        }
    }

    /**
     * The exception a stage failed with, without the {@link CompletionException} that {@code
     * CompletableFuture} wraps around it in dependent stages: what {@code exceptionally} and {@code
     * whenComplete} see is often the wrapper, and an application tests for {@link
     * ClientDisconnectedException} on the cause.
     */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
