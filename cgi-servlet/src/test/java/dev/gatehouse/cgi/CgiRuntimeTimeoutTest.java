package dev.gatehouse.cgi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timeouts fire on time however many fall due at once (issue 10, item 8): the timer only hands
 * a timeout's work to the killer threads, which run several kills at once, so that a slow kill
 * delays neither the next timeout nor the other kills.
 */
class CgiRuntimeTimeoutTest {

    private static final int KILLERS = 4;

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService killer = CgiRuntime.killerPool(KILLERS, Thread::new);
    private final CgiRuntime runtime =
            new CgiRuntime(null, null, null, timer, killer, null, null, null, null, null, null, null, null);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        timer.shutdownNow();
        killer.shutdownNow();
    }

    @Test
    void killsThatFallDueTogetherRunAtOnceOffTheTimer() throws Exception {
        CountDownLatch running = new CountDownLatch(KILLERS);
        for (int i = 0; i < KILLERS; i++) {
            runtime.afterTimeout(Duration.ofMillis(20), () -> {
                running.countDown();
                awaitRelease(); // a kill that takes long: the others must not wait for it
            });
        }
        assertTrue(running.await(5, TimeUnit.SECONDS), KILLERS - running.getCount() + " of " + KILLERS + " kills ran");
    }

    @Test
    void aTimeoutFiresOnTimeWhileEarlierKillsAreStillRunning() throws Exception {
        for (int i = 0; i < 2 * KILLERS; i++) {
            runtime.afterTimeout(Duration.ofMillis(10), this::awaitRelease);
        }
        long scheduled = System.nanoTime();
        CountDownLatch fired = new CountDownLatch(1);
        long[] firedAt = new long[1];
        timer.schedule(
                () -> {
                    firedAt[0] = System.nanoTime();
                    fired.countDown();
                },
                200,
                TimeUnit.MILLISECONDS);
        assertTrue(fired.await(5, TimeUnit.SECONDS), "the timer is blocked by the kills");
        long late = TimeUnit.NANOSECONDS.toMillis(firedAt[0] - scheduled) - 200;
        assertTrue(late < 1000, "fired " + late + " ms late");
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
