package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stage that is complete before its continuation is attached still runs that continuation on
 * another thread: the case the former hop (a pending stage another thread completed) lost when
 * that thread won the race, and a recursive application overflowed its stack.
 */
class FreshStackStageTest {

    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other"));

    @AfterEach
    void stop() throws InterruptedException {
        other.shutdownNow();
        other.awaitTermination(5, TimeUnit.SECONDS);
    }

    private <T> FreshStackStage<T> complete(T value) {
        return FreshStackStage.of(CompletableFuture.completedFuture(value), other);
    }

    private static String thread() {
        return Thread.currentThread().getName();
    }

    @Test
    void everyContinuationOfACompleteStageRunsElsewhere() throws Exception {
        List<Function<FreshStackStage<Integer>, CompletionStage<String>>> attaches = List.of(
                s -> s.thenApply(v -> thread()),
                s -> s.thenCompose(v -> CompletableFuture.completedFuture(thread())),
                s -> s.handle((v, f) -> thread()),
                s -> s.thenCombine(CompletableFuture.completedFuture(1), (a, b) -> thread()),
                s -> s.applyToEither(new CompletableFuture<>(), v -> thread()),
                s -> {
                    CompletableFuture<String> ran = new CompletableFuture<>();
                    s.whenComplete((v, f) -> ran.complete(thread()));
                    return ran;
                },
                s -> {
                    CompletableFuture<String> ran = new CompletableFuture<>();
                    s.thenAccept(v -> ran.complete(thread()));
                    return ran;
                });
        for (var attach : attaches) {
            String ranOn = attach.apply(complete(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals("other", ranOn);
        }
        FreshStackStage<Integer> failed =
                FreshStackStage.of(CompletableFuture.failedFuture(new IllegalStateException("x")), other);
        CompletableFuture<String> recovered = new CompletableFuture<>();
        failed.exceptionally(e -> {
            recovered.complete(thread());
            return -1;
        });
        assertEquals("other", recovered.get(5, TimeUnit.SECONDS));
    }

    /** A recursive consumer of a million complete stages, one in 64 of them fresh: no overflow. */
    @Test
    void aRecursiveLoopOverCompleteStagesUnwindsAtEachFreshStage() throws Exception {
        int events = 1_000_000;
        CompletableFuture<Integer> done = new CompletableFuture<>();
        consume(0, events, done);
        assertEquals(events, done.get(60, TimeUnit.SECONDS));
    }

    private void consume(int n, int events, CompletableFuture<Integer> done) {
        if (n == events) {
            done.complete(n);
            return;
        }
        CompletableFuture<Integer> next = CompletableFuture.completedFuture(n + 1);
        CompletionStage<Integer> stage = (n + 1) % 64 == 0 ? FreshStackStage.of(next, other) : next;
        stage.thenAccept(v -> consume(v, events, done)).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
    }
}
