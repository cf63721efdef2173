package dev.gatehouse.fastcgi;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * nginx's {@code send_timeout} for one response: the client must take something at least every
 * {@code timeout} while the container waits to write to it. The relay tells it when a write
 * cannot go on ({@link #blocked}) and when the container has taken more ({@link #progress}); if
 * it stays blocked for {@code timeout} after the last progress, {@code onStall} runs once, on
 * the timer's thread. One check is pending at most, and {@link #stop} cancels it, so a finished
 * response leaves nothing on the timer.
 */
final class StallWatch {

    private final ScheduledExecutorService timer;
    private final long timeout;
    private final Runnable onStall;

    // under this object's monitor
    private long lastProgress = System.nanoTime();
    private boolean blocked;
    private boolean stopped;
    private ScheduledFuture<?> check;

    StallWatch(ScheduledExecutorService timer, Duration timeout, Runnable onStall) {
        this.timer = timer;
        this.timeout = timeout.toNanos();
        this.onStall = onStall;
    }

    /** The container cannot take more now (isReady() answered false). */
    synchronized void blocked() {
        blocked = true;
        if (check == null && !stopped) {
            schedule(lastProgress + timeout - System.nanoTime());
        }
    }

    /** The container took what it had and asks for more (onWritePossible). */
    synchronized void progress() {
        blocked = false;
        lastProgress = System.nanoTime();
    }

    /** The response ended: no check from now on. Idempotent. */
    synchronized void stop() {
        stopped = true;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(long nanos) {
        try {
            check = timer.schedule(this::check, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the servlet is being destroyed: its requests end with it
        }
    }

    private void check() {
        synchronized (this) {
            check = null;
            if (stopped || !blocked) {
                return;
            }
            long left = lastProgress + timeout - System.nanoTime();
            if (left > 0) {
                schedule(left);
                return;
            }
            stopped = true;
        }
        onStall.run();
    }
}
