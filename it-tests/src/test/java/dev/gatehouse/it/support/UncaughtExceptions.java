package dev.gatehouse.it.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Records exceptions that end threads whose names start with a prefix (the servlet's
 * {@code gatehouse-} threads): a gateway thread must never die of one, since whatever it owned
 * is then released, if at all, by luck. Replaces the JVM-wide default handler while installed;
 * every exception is still printed as the default handler would.
 */
public final class UncaughtExceptions implements AutoCloseable {

    private final Thread.UncaughtExceptionHandler previous;
    private final String prefix;
    private final List<String> seen = new ArrayList<>();

    private UncaughtExceptions(String prefix) {
        this.prefix = prefix;
        this.previous = Thread.getDefaultUncaughtExceptionHandler();
    }

    public static UncaughtExceptions install(String threadNamePrefix) {
        UncaughtExceptions capture = new UncaughtExceptions(threadNamePrefix);
        Thread.setDefaultUncaughtExceptionHandler(capture::uncaught);
        return capture;
    }

    private void uncaught(Thread thread, Throwable e) {
        if (thread.getName().startsWith(prefix)) {
            synchronized (seen) {
                seen.add(thread.getName() + ": " + e);
            }
        }
        if (previous != null) {
            previous.uncaughtException(thread, e);
        } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace();
        }
    }

    /** The exceptions recorded since the last call. */
    public List<String> drain() {
        synchronized (seen) {
            List<String> all = new ArrayList<>(seen);
            seen.clear();
            return all;
        }
    }

    @Override
    public void close() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
