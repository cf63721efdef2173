package dev.gatehouse.servlet.process;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that drains the standard error of every running script into its {@link StderrRelay}.
 * A pipe cannot be selected on in Java, so instead of a blocked thread per script it polls:
 * every few milliseconds it reads what {@code available()} says is there, which never blocks.
 * A script's pipe holds 64 KiB, so a chatty script waits at most one poll; a quiet one costs
 * one {@code available()} per poll, and with no script running the thread sleeps.
 */
public final class StderrPump implements AutoCloseable {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Map<StderrRelay, InputStream> relays = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param threadName the name of the pumping thread (a daemon) */
    public StderrPump(String threadName) {
        thread = new Thread(this::pump, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts draining a script's stderr into {@code relay}. */
    public void add(StderrRelay relay, InputStream stderr) {
        relays.put(relay, stderr);
        LockSupport.unpark(thread);
    }

    /**
     * Stops draining: reads what is left without blocking (the script has exited, so all it
     * wrote is there) and logs the last line. Called by the exchange that owns the script.
     */
    public void remove(StderrRelay relay) {
        InputStream stderr = relays.remove(relay);
        synchronized (relay) {
            if (stderr != null) {
                relay.drain(stderr);
            }
            relay.finish();
        }
    }

    private void pump() {
        byte[] buf = new byte[65536];
        while (!closed) {
            if (relays.isEmpty()) {
                LockSupport.park(this); // until add() or close()
                continue;
            }
            for (StderrRelay relay : relays.keySet()) {
                synchronized (relay) {
                    InputStream stderr = relays.get(relay);
                    if (stderr != null) {
                        relay.drain(stderr, buf);
                    }
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
