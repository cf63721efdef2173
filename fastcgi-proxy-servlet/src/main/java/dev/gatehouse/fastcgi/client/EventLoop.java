package dev.gatehouse.fastcgi.client;

import dev.gatehouse.servlet.SafeLogger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The one transport thread: a {@link Selector} over the client's non-blocking channels, a queue
 * of tasks posted by other threads, and a periodic sweep for timeouts. Every piece of transport
 * state (connections, pools, exchanges' internal state) is touched only from this thread, so
 * none of it needs locks; other threads post their requests with {@link #execute}.
 */
final class EventLoop implements AutoCloseable {

    private static final System.Logger LOG = SafeLogger.of(EventLoop.class.getName());

    /** What a registered channel's key is attached to. */
    interface Handler {
        /** The key is ready for its interest ops. */
        void ready(SelectionKey key);
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final LongConsumer sweep;
    private final long sweepNanos;
    /**
     * Whether a {@link Selector#wakeup()} is needed for a posted task: false only while the
     * loop is about to block in (or blocks in) {@code select}, so that a burst of tasks posted
     * while the loop runs costs no wakeup at all, and one while it sleeps costs one.
     */
    private final AtomicBoolean awake = new AtomicBoolean(true);

    private volatile boolean running = true;
    private long nextSweep;

    /**
     * @param sweep called on the loop with {@link System#nanoTime()} every {@code sweepEvery}
     *     or so; timeouts are therefore as precise as that period
     */
    EventLoop(String name, LongConsumer sweep, Duration sweepEvery) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.sweep = sweep;
        this.sweepNanos = sweepEvery.toNanos();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        nextSweep = System.nanoTime() + sweepNanos;
        thread.start();
    }

    /** Runs {@code task} on the loop thread, after what is already queued. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * The loop thread's state and stack, for the report of a loop that did not answer in time:
     * a stalled transport is a bug, and where it stands is what finds it.
     */
    String whereItIs() {
        StringBuilder where = new StringBuilder(thread.getName()).append(" is ").append(thread.getState());
        for (StackTraceElement frame : thread.getStackTrace()) {
            where.append("\n\tat ").append(frame);
        }
        return where.toString();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Registers a channel; on the loop thread only. */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    private void run() {
        try {
            while (running) {
                runTasks();
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    safely(() -> sweep.accept(System.nanoTime()), "sweep");
                    nextSweep = now + sweepNanos;
                }
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now));
                awake.set(false); // a task posted from now on wakes the selector
                if (tasks.isEmpty()) {
                    selector.select(waitMillis);
                } else {
                    selector.selectNow();
                }
                awake.set(true);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        safely(() -> ((Handler) key.attachment()).ready(key), "I/O handler");
                    }
                }
                selector.selectedKeys().clear();
            }
            runTasks();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(Level.ERROR, "FastCGI transport loop stopped", e);
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the selector", e);
            }
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            safely(task, "task");
        }
    }

    /** A bug in a handler must not stop the loop that every exchange depends on. */
    private static void safely(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "FastCGI transport: " + what + " failed", e);
        }
    }

    /** Stops after the tasks already posted have run; waits for the thread up to 5 s. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
