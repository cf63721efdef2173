package dev.gatehouse.asgi.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The guard's promise: no use after the container's end, and the end waits for a use in progress. */
class ExchangeGuardTest {

    /** Records what the guard tells its owner. */
    static final class Owner implements ExchangeGuard.Owner {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void lost(Throwable cause) {
            calls.add("lost " + cause);
        }

        @Override
        public void timedOut() {
            calls.add("timedOut");
        }
    }

    @Test
    void usesRunUntilReleasedAndNeverAfter() throws IOException {
        Owner owner = new Owner();
        ExchangeGuard guard = new ExchangeGuard(owner);
        assertEquals("ran", guard.use(() -> "ran", "released"));
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
        assertFalse(guard.enter());
        assertEquals(List.of("lost null"), owner.calls);
    }

    @Test
    void onlyTheFirstEndReachesTheOwner() {
        Owner owner = new Owner();
        ExchangeGuard guard = new ExchangeGuard(owner);
        guard.onTimeout(null);
        guard.onComplete(null);
        guard.onTimeout(null);
        assertEquals(List.of("timedOut"), owner.calls);
    }

    @Test
    void theEndWaitsForTheUseInProgress() throws Exception {
        Owner owner = new Owner();
        ExchangeGuard guard = new ExchangeGuard(owner);
        CountDownLatch inUse = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean usedAfterEnd = new AtomicBoolean();
        Thread user = new Thread(() -> {
            assertTrue(guard.enter());
            try {
                inUse.countDown();
                finish.await(10, TimeUnit.SECONDS);
                usedAfterEnd.set(!owner.calls.isEmpty());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                guard.exit();
            }
        });
        user.start();
        assertTrue(inUse.await(10, TimeUnit.SECONDS));
        Thread container = new Thread(() -> guard.onComplete(null));
        container.start();
        container.join(200);
        assertTrue(container.isAlive(), "onComplete must wait while a use is in progress");
        assertTrue(guard.released(), "no new use may start once the end has begun");
        assertFalse(guard.enter());

        finish.countDown();
        container.join(10_000);
        user.join(10_000);
        assertFalse(container.isAlive());
        assertFalse(usedAfterEnd.get(), "the owner heard of the end before the use was over");
        assertEquals(List.of("lost null"), owner.calls);
    }

    @Test
    void manyUsesAndOneEndRace() throws Exception {
        for (int round = 0; round < 200; round++) {
            Owner owner = new Owner();
            ExchangeGuard guard = new ExchangeGuard(owner);
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
            user.join(10_000);
            assertFalse(user.isAlive());
            assertFalse(overlap.get(), "a use ran after the end returned");
            assertEquals(1, owner.calls.size());
            assertEquals("lost java.io.IOException: gone", owner.calls.get(0));
        }
    }
}
