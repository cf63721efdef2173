package dev.gatehouse.cgi;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Admission control for scripts: at most {@code maxRunning} run at once, at most
 * {@code maxQueued} wait, each for at most {@code maxWait}. Nothing blocks: a request is either
 * admitted now, queued and admitted when a slot frees, or rejected (queue full or wait over).
 */
final class ScriptGate {

    /** The two outcomes of {@link #enter}; exactly one is called, once, on some thread. */
    interface Admission {
        void admitted();

        void rejected(String why);
    }

    private final int maxRunning;
    private final int maxQueued;
    private final Duration maxWait;
    private final ScheduledExecutorService timer;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private int running;

    ScriptGate(int maxRunning, int maxQueued, Duration maxWait, ScheduledExecutorService timer) {
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.maxWait = maxWait;
        this.timer = timer;
    }

    void enter(Admission admission) {
        String rejection = null;
        synchronized (this) {
            if (running < maxRunning) {
                running++;
            } else if (waiting.size() < maxQueued) {
                Waiter waiter = new Waiter(admission);
                waiting.addLast(waiter);
                waiter.timeout = timer.schedule(() -> expire(waiter), maxWait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } else {
                rejection = "all " + maxRunning + " script slots busy and " + maxQueued + " requests queued";
            }
        }
        if (rejection == null) {
            admission.admitted();
        } else {
            admission.rejected(rejection);
        }
    }

    /** Frees the slot of an admitted request; the longest waiter, if any, takes it. */
    void leave() {
        Waiter next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                running--;
                return;
            }
        }
        next.timeout.cancel(false);
        next.admission.admitted();
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return waiting.size();
    }

    private void expire(Waiter waiter) {
        synchronized (this) {
            if (!waiting.remove(waiter)) {
                return; // admitted meanwhile
            }
        }
        waiter.admission.rejected("no script slot free within " + maxWait.toMillis() + " ms");
    }

    private static final class Waiter {
        final Admission admission;
        ScheduledFuture<?> timeout;

        Waiter(Admission admission) {
            this.admission = admission;
        }
    }
}
