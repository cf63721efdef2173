package dev.gatehouse.asgi.servlet;

import dev.gatehouse.servlet.SafeLogger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one exchange's tasks one at a time, in submission order, on whichever thread submits
 * while the loop is idle (a drain loop, no thread of its own). A task submitted from inside a task
 * runs after it, on the same thread: the application's continuations, which run inside tasks when
 * a stage completes, can send and receive again without the stack growing and without a lock.
 * Container callbacks never wait: if another thread is draining, they enqueue and return.
 */
final class SerialLoop {
    private static final System.Logger LOG = SafeLogger.of(SerialLoop.class.getName());

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    /**
     * The thread draining, or null. Plain: only ever compared with the current thread, and a
     * thread reads its own last write here unless another thread wrote since, which never
     * writes the reader's identity; a stale null only costs a trip through the queue.
     */
    private Thread drainer;
    /** How many tasks failed with an error the loop could not even log (a stack overflow). */
    private volatile int unreported;

    void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() != 0) {
            return;
        }
        drain();
    }

    /**
     * Makes the caller's own code the loop's task when the loop is idle, without a task object:
     * true, and then the caller runs its code and must call {@link #leave} in a {@code finally};
     * false when another task runs or waits (then submit with {@link #execute}). The container's
     * callbacks nearly always find the loop idle.
     */
    boolean tryEnter() {
        if (pending.compareAndSet(0, 1)) {
            drainer = Thread.currentThread();
            return true;
        }
        return false;
    }

    /** Ends the task begun by {@link #tryEnter}: runs what was submitted meanwhile, then idles. */
    void leave() {
        if (pending.decrementAndGet() != 0) {
            drain();
        } else if (drainer == Thread.currentThread()) {
            drainer = null;
        }
    }

    /**
     * Ends the task begun by {@link #tryEnter} like {@link #leave}, but first runs what was
     * submitted meanwhile and then {@code last}, still as part of the caller's task: {@code last}
     * sees every earlier task done, and a task submitted while it runs waits for it.
     */
    void leaveAfter(Runnable last) {
        while (pending.get() != 1) {
            Runnable next = tasks.poll();
            run(next);
            pending.decrementAndGet();
        }
        run(last);
        leave();
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            try {
                LOG.log(Level.ERROR, "an exchange task failed", e);
            } catch (StackOverflowError again) {
                unreported++; // no stack left to log with here; the loop itself must go on
            }
        }
    }

    /** For a log line, off the loop: "loop: 1 task pending, idle". */
    String describe() {
        int n = pending.get();
        return "loop: " + n + (n == 1 ? " task" : " tasks") + " pending, "
                + (drainer != null ? "drained by " + drainer.getName() : "idle")
                + (unreported > 0 ? ", " + unreported + " task(s) failed unlogged" : "");
    }

    /** Runs queued tasks until none is pending. */
    private void drain() {
        drainer = Thread.currentThread();
        do {
            run(tasks.poll());
        } while (pending.decrementAndGet() != 0);
        if (drainer == Thread.currentThread()) {
            drainer = null;
        }
    }

    /**
     * Whether the caller is inside the task this loop is running and no other task waits: then
     * work done at once, instead of submitted, keeps the loop's order and its exclusion.
     */
    boolean runningAlone() {
        return drainer == Thread.currentThread() && pending.get() == 1;
    }
}
