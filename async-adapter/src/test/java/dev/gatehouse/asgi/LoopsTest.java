package dev.gatehouse.asgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.asgi.testing.ApplicationCommunicator;
import dev.gatehouse.asgi.testing.Scopes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class LoopsTest {

    /** A million steps whose stages are complete at once: a loop, not a million frames. */
    @Test
    void aMillionStepsCompleteAtOnceDoNotNest() {
        int[] steps = {0};
        CompletableFuture<Void> done = Loops.repeat(() -> CompletableFuture.completedStage(++steps[0] < 1_000_000));
        assertTrue(done.isDone());
        done.join();
        assertEquals(1_000_000, steps[0]);
    }

    /** Pending steps continue from their completion, in order, each after the previous one. */
    @Test
    void pendingStepsContinueFromTheirCompletion() {
        Deque<CompletableFuture<Boolean>> pending = new ArrayDeque<>();
        int[] steps = {0};
        CompletableFuture<Void> done = Loops.repeat(() -> {
            steps[0]++;
            CompletableFuture<Boolean> stage = new CompletableFuture<>();
            pending.add(stage);
            return stage;
        });
        for (int i = 0; i < 100_000; i++) {
            assertEquals(i + 1, steps[0]);
            assertFalse(done.isDone());
            pending.poll().complete(i < 99_999);
        }
        assertTrue(done.isDone());
        assertTrue(pending.isEmpty());
    }

    @Test
    void theFirstFailureEndsTheLoopUnwrapped() {
        IllegalStateException boom = new IllegalStateException("boom");
        int[] steps = {0};
        CompletableFuture<Void> done = Loops.repeat(() -> ++steps[0] < 3
                ? CompletableFuture.completedStage(true)
                : CompletableFuture.<Boolean>completedStage(true).thenApply(v -> {
                    throw boom;
                }));
        CompletionException thrown = assertThrows(CompletionException.class, done::join);
        assertSame(boom, thrown.getCause());
        assertEquals(3, steps[0]);

        CompletableFuture<Void> thrownByStep = Loops.repeat(() -> {
            throw boom;
        });
        assertSame(
                boom,
                assertThrows(CompletionException.class, thrownByStep::join).getCause());
        assertSame(boom, Loops.unwrap(new CompletionException(boom)));
        assertSame(boom, Loops.unwrap(boom));
    }

    /**
     * Through the test kit, whose receive stages are complete when input is queued: 1,000,000
     * queued chunks consumed with {@link Loops#repeat} on one stack, as the sample applications
     * do (a loop by recursion would overflow here: the kit does not bound the nesting).
     */
    @Test
    void aMillionQueuedChunksThroughTheCommunicator() throws Exception {
        long[] total = {0};
        CompletableFuture<Void> queued = new CompletableFuture<>();
        AsgiApplication sink = (scope, receive, send) -> queued.thenCompose(
                        q -> Loops.repeat(() -> receive.receive().thenApply(event -> {
                            HttpRequest chunk = (HttpRequest) event;
                            total[0] += chunk.body().length;
                            return chunk.moreBody();
                        })))
                .thenCompose(v -> send.send(new HttpResponseStart(200, java.util.List.of())))
                .thenCompose(v ->
                        send.send(new HttpResponseBody(Long.toString(total[0]).getBytes())));
        ApplicationCommunicator communicator = ApplicationCommunicator.start(sink, Scopes.http("POST", "/"));
        byte[] chunk = new byte[16];
        for (int i = 0; i < 1_000_000; i++) {
            communicator.sendInput(new HttpRequest(chunk, i < 999_999));
        }
        queued.complete(null); // every receive now finds its chunk queued: complete at once
        assertEquals(200, ((HttpResponseStart) communicator.receiveOutput(Duration.ofSeconds(20))).status());
        assertEquals(
                "16000000", new String(((HttpResponseBody) communicator.receiveOutput(Duration.ofSeconds(20))).body()));
        communicator.waitFor(Duration.ofSeconds(20));
    }
}
