package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.servlet.AsyncEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The guard's promise: no use after the container's end, and the end waits for a use in progress. */
class ContainerGuardTest {

    private static final long WAIT_MILLIS = 10_000;

    /** Records what the guard tells its owner. */
    static final class Owner implements ContainerGuard.Owner {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void completed() {
            calls.add("completed");
        }

        @Override
        public void failed(Throwable cause) {
            calls.add("failed " + cause);
        }

        @Override
        public void timedOut() {
            calls.add("timedOut");
        }
    }

    /** What the container, or the exchange itself, does to the guard. */
    enum End {
        COMPLETE(guard -> guard.onComplete(null)),
        ERROR(guard -> guard.onError(new AsyncEvent(null, null, null, new IOException("gone")))),
        ERROR_WITHOUT_CAUSE(guard -> guard.onError(new AsyncEvent(null, null, null, null))),
        TIMEOUT(guard -> guard.onTimeout(null)),
        CLOSE(ContainerGuard::close);

        final Consumer<ContainerGuard> apply;

        End(Consumer<ContainerGuard> apply) {
            this.apply = apply;
        }
    }

    /** Ends in this order; what the owner hears, and how often a loss owner's runnable runs. */
    record Case(List<End> ends, List<String> heard, int losses) {}

    static Stream<Case> ends() {
        return Stream.of(
                new Case(List.of(End.COMPLETE), List.of("completed"), 0),
                new Case(List.of(End.ERROR), List.of("failed java.io.IOException: gone"), 1),
                new Case(
                        List.of(End.ERROR_WITHOUT_CAUSE),
                        List.of("failed java.io.IOException: the container reported an error"),
                        1),
                new Case(List.of(End.TIMEOUT), List.of("timedOut"), 1),
                new Case(List.of(End.TIMEOUT, End.COMPLETE, End.TIMEOUT), List.of("timedOut"), 1),
                new Case(List.of(End.ERROR, End.TIMEOUT), List.of("failed java.io.IOException: gone"), 1),
                new Case(List.of(End.COMPLETE, End.ERROR, End.TIMEOUT), List.of("completed"), 0),
                new Case(List.of(End.CLOSE, End.ERROR, End.TIMEOUT, End.COMPLETE), List.of(), 0));
    }

    @ParameterizedTest
    @MethodSource("ends")
    void onlyTheFirstEndReachesTheOwner(Case c) {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        c.ends().forEach(end -> end.apply.accept(guard));
        assertEquals(c.heard(), owner.calls);
        assertTrue(guard.released());
    }

    @ParameterizedTest
    @MethodSource("ends")
    void aLossOwnerHearsAnErrorOrATimeoutOnce(Case c) {
        AtomicInteger losses = new AtomicInteger();
        ContainerGuard guard = new ContainerGuard(ContainerGuard.Owner.onLoss(losses::incrementAndGet));
        c.ends().forEach(end -> end.apply.accept(guard));
        assertEquals(c.losses(), losses.get());
    }

    @Test
    void usesRunUntilReleasedAndNeverAfter() throws IOException {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        assertEquals("ran", guard.use(() -> "ran", "released"));
        AtomicInteger actions = new AtomicInteger();
        assertTrue(guard.run(actions::incrementAndGet));
        assertEquals(1, actions.get());
        assertTrue(guard.enter());
        guard.exit();
        assertFalse(guard.released());

        guard.onComplete(null);

        assertTrue(guard.released());
        AtomicBoolean ran = new AtomicBoolean();
        assertEquals(
                "released",
                guard.use(
                        () -> {
                            ran.set(true);
                            return "ran";
                        },
                        "released"));
        assertFalse(ran.get());
        assertFalse(guard.run(actions::incrementAndGet));
        assertEquals(1, actions.get());
        assertFalse(guard.enter());
        assertEquals(List.of("completed"), owner.calls);
    }

    /**
     * Jetty 12 completes a request inline from {@code ServletInputStream.isReady()} when its
     * {@code complete()} was asked before: the release then runs within the caller's own use, and
     * must not wait for it (that wait never ended: the FastCGI transport thread hung in it).
     */
    @Test
    void anEndTheContainerRunsInlineWithinAUseDoesNotWaitForThatUse() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        AtomicBoolean after = new AtomicBoolean();
        Thread user = new Thread(() -> {
            try {
                guard.run(() -> {
                    guard.run(() -> guard.onComplete(null)); // nested, as a use within a use
                    after.set(guard.released());
                });
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        user.start();
        user.join(WAIT_MILLIS);
        assertFalse(user.isAlive(), "the release waited for its own thread's use");
        assertTrue(after.get());
        assertEquals(List.of("completed"), owner.calls);
        assertFalse(guard.enter());
    }

    /**
     * A container thread outlives a web application: outside a use it must hold no object of
     * the application's classes (Tomcat would report the thread-local; Jetty would keep the
     * application's class loader).
     */
    @Test
    void outsideAUseTheThreadHoldsNoGuard() throws Exception {
        ContainerGuard outer = new ContainerGuard(new Owner());
        ContainerGuard inner = new ContainerGuard(new Owner());
        outer.run(() -> inner.run(() -> {
            List<Object> held = java.util.Arrays.asList(ContainerGuard.heldByThisThread());
            assertTrue(held.contains(outer) && held.contains(inner), held.toString());
        }));
        for (Object held : ContainerGuard.heldByThisThread()) {
            assertEquals(null, held);
        }
        assertSame(Object[].class, ContainerGuard.heldByThisThread().getClass());
    }

    @Test
    void anInlineEndStillWaitsForTheUsesOfOtherThreads() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        CountDownLatch inUse = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            if (guard.enter()) {
                try {
                    inUse.countDown();
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    guard.exit();
                }
            }
        });
        other.start();
        assertTrue(inUse.await(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        Thread inline = new Thread(() -> {
            try {
                guard.run(() -> guard.onComplete(null));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        inline.start();
        inline.join(200);
        assertTrue(inline.isAlive(), "the release must wait for the other thread's use");
        assertEquals(List.of(), owner.calls);
        finish.countDown();
        inline.join(WAIT_MILLIS);
        other.join(WAIT_MILLIS);
        assertFalse(inline.isAlive());
        assertEquals(List.of("completed"), owner.calls);
    }

    @Test
    void aFailedUseStillExits() {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        IOException thrown = new IOException("broken pipe");
        try {
            guard.run(() -> {
                throw thrown;
            });
            fail("the action's failure must reach the caller");
        } catch (IOException e) {
            assertSame(thrown, e);
        }
        guard.onComplete(null); // would wait forever for a use that never exited
        assertEquals(List.of("completed"), owner.calls);
    }

    @Test
    void theEndWaitsForTheUseInProgress() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        CountDownLatch inUse = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean usedAfterEnd = new AtomicBoolean();
        Thread user = new Thread(() -> {
            if (!guard.enter()) {
                return; // inUse never counts down: the test fails below
            }
            try {
                inUse.countDown();
                finish.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                usedAfterEnd.set(!owner.calls.isEmpty());
            } catch (InterruptedException e) {
                usedAfterEnd.set(true);
            } finally {
                guard.exit();
            }
        });
        user.start();
        assertTrue(inUse.await(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        Thread container = new Thread(() -> guard.onComplete(null));
        container.start();
        awaitWaitingOn(guard, container);
        assertTrue(container.isAlive(), "onComplete must wait while a use is in progress");
        assertTrue(guard.released(), "no new use may start once the end has begun");
        assertFalse(guard.enter());
        assertEquals(List.of(), owner.calls);

        finish.countDown();
        container.join(WAIT_MILLIS);
        user.join(WAIT_MILLIS);
        assertFalse(container.isAlive());
        assertFalse(usedAfterEnd.get(), "the owner heard of the end before the use was over");
        assertEquals(List.of("completed"), owner.calls);
    }

    @Test
    void nestedUsesAreSafeAndTheEndWaitsForTheOuterOne() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        assertEquals("inner", guard.use(() -> guard.use(() -> "inner", "released"), "outer released"));

        assertTrue(guard.enter()); // the outer use, on this thread
        Thread container;
        try {
            assertTrue(guard.enter()); // a nested use before the end: allowed
            guard.exit();

            container = new Thread(() -> guard.onError(new AsyncEvent(null, null, null, new IOException("gone"))));
            container.start();
            awaitWaitingOn(guard, container);

            // a nested use after the end began: refused, and it does not end the outer one
            assertFalse(guard.run(() -> fail("a nested use ran after the end began")));
            assertEquals("released", guard.use(() -> "ran", "released"));
            awaitWaitingOn(guard, container);
            assertEquals(List.of(), owner.calls);
        } finally {
            guard.exit();
        }
        container.join(WAIT_MILLIS);
        assertFalse(container.isAlive());
        assertEquals(List.of("failed java.io.IOException: gone"), owner.calls);
    }

    @Test
    void closeWaitsForTheUseInProgressAndTellsNobody() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        assertTrue(guard.enter());
        Thread closer = new Thread(guard::close);
        try {
            closer.start();
            awaitWaitingOn(guard, closer);
            assertFalse(guard.enter());
        } finally {
            guard.exit();
        }
        closer.join(WAIT_MILLIS);
        assertFalse(closer.isAlive());
        guard.onTimeout(null);
        assertEquals(List.of(), owner.calls);
    }

    @Test
    void anInterruptedEndStillWaitsAndKeepsTheInterrupt() throws Exception {
        Owner owner = new Owner();
        ContainerGuard guard = new ContainerGuard(owner);
        AtomicBoolean interruptKept = new AtomicBoolean();
        assertTrue(guard.enter());
        Thread container = new Thread(() -> {
            guard.onTimeout(null);
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        try {
            container.start();
            awaitWaitingOn(guard, container);
            container.interrupt();
            awaitWaitingOn(guard, container);
            assertEquals(List.of(), owner.calls, "the interrupt ended the wait for the use");
        } finally {
            guard.exit();
        }
        container.join(WAIT_MILLIS);
        assertFalse(container.isAlive());
        assertTrue(interruptKept.get());
        assertEquals(List.of("timedOut"), owner.calls);
    }

    @Test
    void manyUsesAndOneEndRace() throws Exception {
        for (int round = 0; round < 200; round++) {
            Owner owner = new Owner();
            ContainerGuard guard = new ContainerGuard(owner);
            AtomicBoolean overlap = new AtomicBoolean();
            AtomicBoolean ended = new AtomicBoolean();
            Thread user = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (guard.enter()) {
                        try {
                            overlap.compareAndSet(false, ended.get());
                        } finally {
                            guard.exit();
                        }
                    }
                }
            });
            user.start();
            guard.onError(new AsyncEvent(null, null, null, new IOException("gone")));
            ended.set(true);
            user.join(WAIT_MILLIS);
            assertFalse(user.isAlive());
            assertFalse(overlap.get(), "a use ran after the end returned");
            assertEquals(1, owner.calls.size());
            assertEquals("failed java.io.IOException: gone", owner.calls.get(0));
        }
    }

    /** Waits, bounded, until {@code thread} is parked in the guard's release. */
    private static void awaitWaitingOn(ContainerGuard guard, Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!(thread.getState() == Thread.State.WAITING && LockSupport.getBlocker(thread) == guard)) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                fail(thread.getName() + " did not wait for the use in progress: " + thread.getState());
            }
            Thread.sleep(1);
        }
    }
}
