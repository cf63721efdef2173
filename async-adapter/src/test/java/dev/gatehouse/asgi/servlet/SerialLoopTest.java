package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialLoopTest {

    @Test
    void tasksSubmittedDuringAnEnteredTaskRunAfterItInOrder() {
        SerialLoop loop = new SerialLoop();
        List<String> ran = new CopyOnWriteArrayList<>();
        assertTrue(loop.tryEnter());
        loop.execute(() -> ran.add("a"));
        loop.execute(() -> {
            ran.add("b");
            loop.execute(() -> ran.add("c"));
        });
        ran.add("entered");
        assertEquals(List.of("entered"), ran);
        loop.leave();
        assertEquals(List.of("entered", "a", "b", "c"), ran);
        assertTrue(loop.tryEnter(), "idle again");
        loop.leave();
    }

    @Test
    void leaveAfterRunsWhatWasSubmittedThenTheLastStepThenWhatTheLastStepSubmitted() {
        SerialLoop loop = new SerialLoop();
        List<String> ran = new CopyOnWriteArrayList<>();
        assertTrue(loop.tryEnter());
        loop.execute(() -> {
            ran.add("a");
            loop.execute(() -> ran.add("b"));
        });
        loop.leaveAfter(() -> {
            ran.add("last");
            loop.execute(() -> ran.add("after"));
        });
        assertEquals(List.of("a", "b", "last", "after"), ran);
        assertTrue(loop.tryEnter(), "idle again");
        loop.leave();
    }

    /**
     * A task another thread submits while the last step runs waits for it: what the bridge's
     * end-of-dispatch decision relies on (a send from another thread finds the request async).
     */
    @Test
    void aTaskFromAnotherThreadWaitsForTheLastStep() throws Exception {
        SerialLoop loop = new SerialLoop();
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch inLast = new CountDownLatch(1);
        CompletableFuture<Void> submitted = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                assertTrue(inLast.await(10, TimeUnit.SECONDS));
                loop.execute(() -> ran.add("other"));
                submitted.complete(null);
            } catch (InterruptedException e) {
                submitted.completeExceptionally(e);
            }
        });
        other.start();
        assertTrue(loop.tryEnter());
        loop.leaveAfter(() -> {
            inLast.countDown();
            submitted.join(); // the other thread has submitted; its task must not have run
            ran.add("last");
        });
        other.join(10_000);
        assertFalse(other.isAlive());
        assertEquals(List.of("last", "other"), ran);
    }
}
