package dev.gatehouse.asgi.servlet;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A stage whose dependents never run on the thread that attaches them: every method that would
 * run a continuation in place (when the stage is already complete) runs it through {@code
 * executor} instead, as its {@code *Async} twin does.
 *
 * <p>Why: an application that loops by recursion nests one frame per event while the stages it
 * gets back are complete. Returning a pending stage that another thread completes later ends the
 * nesting only if that thread loses the race with the application's {@code thenCompose}: under
 * load the woken thread often wins (the scheduler runs it at once), the continuation then runs in
 * place after all, and the stack keeps growing until StackOverflowError, which TestApps'
 * naive-sink-later met in one run of ten on a loaded machine. Here no race is left: whenever the
 * dependent is attached, it starts from a fresh frame.
 *
 * <p>Stages derived from this one are ordinary futures: only the first continuation hops.
 */
final class FreshStackStage<T> extends CompletableFuture<T> {
    private final Executor executor;

    private FreshStackStage(Executor executor) {
        this.executor = executor;
    }

    /** A stage with {@code done}'s outcome (done must be complete) whose dependents run on {@code executor}. */
    static <T> FreshStackStage<T> of(CompletableFuture<T> done, Executor executor) {
        FreshStackStage<T> stage = new FreshStackStage<>(executor);
        done.whenComplete((value, failure) -> {
            if (failure != null) {
                stage.completeExceptionally(failure);
            } else {
                stage.complete(value);
            }
        });
        return stage;
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, executor);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, executor);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, executor);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(
            CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, executor);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(
            CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, executor);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, executor);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, executor);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action, executor);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, executor);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, executor);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, executor);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, executor);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, executor);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, executor);
    }

    /** Derived stages are ordinary futures: the hop is made once, by the first continuation. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
