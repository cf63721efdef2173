package dev.gatehouse.servlet.process;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that drains the standard error of every running script into its {@link StderrLog}.
 * A pipe cannot be selected on in Java, so instead of a blocked thread per script it polls:
 * every few milliseconds it reads what {@code available()} says is there, which never blocks.
 * A script's pipe holds 64 KiB, so a chatty script waits at most one poll; a quiet one costs
 * one {@code available()} per poll, and with no script running the thread sleeps.
 */
public final class StderrPump implements AutoCloseable {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Set<StderrLog> logs = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    /** @param threadName the name of the pumping thread (a daemon) */
    public StderrPump(String threadName) {
        thread = new Thread(this::pump, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts draining a script's stderr. */
    public void add(StderrLog log) {
        logs.add(log);
        LockSupport.unpark(thread);
    }

    /**
     * Stops draining: reads what is left without blocking (the script has exited, so all it
     * wrote is there) and logs the last line. Called by the exchange that owns the script.
     */
    public void remove(StderrLog log) {
        logs.remove(log);
        synchronized (log) {
            drain(log);
            log.finish();
        }
    }

    private void pump() {
        byte[] buf = new byte[65536];
        while (!closed) {
            if (logs.isEmpty()) {
                LockSupport.park(this); // until add() or close()
                continue;
            }
            for (StderrLog log : logs) {
                synchronized (log) {
                    if (logs.contains(log)) {
                        drain(log, buf);
                    }
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static void drain(StderrLog log) {
        drain(log, new byte[4096]);
    }

    private static void drain(StderrLog log, byte[] buf) {
        try {
            for (int n; (n = log.stream().available()) > 0; ) {
                int read = log.stream().read(buf, 0, Math.min(n, buf.length));
                if (read <= 0) {
                    return;
                }
                log.feed(buf, 0, read);
            }
        } catch (IOException e) {
            // closed: the process was killed and its streams closed
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
