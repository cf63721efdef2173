package dev.gatehouse.sample.asgi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clock's timer: one daemon thread shared by every event stream, so that a waiting stream holds
 * no thread. {@link ClockApp} creates it at lifespan startup and stops it at shutdown.
 */
final class Ticker {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "gatehouse-sample-clock");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopped;

    /**
     * A stage that completes after {@code delay}, on the timer's thread. Once the ticker is stopped
     * it completes at once; check {@link #isStopped()} after waking.
     */
    CompletionStage<Void> sleep(Duration delay) {
        CompletableFuture<Void> woken = new CompletableFuture<>();
        try {
            scheduler.schedule(() -> woken.complete(null), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            woken.complete(null); // stopped
        }
        return woken;
    }

    boolean isStopped() {
        return stopped;
    }

    /**
     * Stops the timer. Sleeps already scheduled still wake (within one period) and see {@link
     * #isStopped()}, then the thread ends.
     */
    void stop() {
        stopped = true;
        scheduler.shutdown();
    }
}
