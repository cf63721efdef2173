package dev.gatehouse.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger stalls = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aClientBlockedPastTheTimeoutIsReportedOnce() throws Exception {
        StallWatch watch = new StallWatch(timer, Duration.ofMillis(100), stalls::incrementAndGet);
        watch.blocked();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stalls.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        watch.blocked(); // reported already: no second report
        Thread.sleep(300);
        assertEquals(1, stalls.get());
    }

    /** A client that takes something within every timeout is never cut off, however long it is slow. */
    @Test
    void progressWithinEachTimeoutIsNoStall() throws Exception {
        StallWatch watch = new StallWatch(timer, Duration.ofMillis(300), stalls::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            watch.blocked();
            Thread.sleep(100);
            watch.progress();
        }
        assertEquals(0, stalls.get());
        watch.stop();
    }

    @Test
    void stopCancelsThePendingCheck() throws Exception {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1);
        pool.setRemoveOnCancelPolicy(true);
        try {
            StallWatch watch = new StallWatch(pool, Duration.ofMinutes(1), stalls::incrementAndGet);
            watch.blocked();
            assertEquals(1, pool.getQueue().size());
            watch.stop();
            assertTrue(pool.getQueue().isEmpty(), "nothing left on the timer");
            watch.blocked();
            assertTrue(pool.getQueue().isEmpty(), "a stopped watch schedules nothing");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, stalls.get());
    }
}
