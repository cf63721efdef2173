package dev.gatehouse.cgi;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps an exchange's gateway threads off a request and response the container has finished
 * with. A container may complete an async request by itself (Tomcat does when the client
 * disconnects) and then recycles the objects for another request: a late write from a gateway
 * thread would land in someone else's response. Every use from a gateway thread goes through
 * {@link #use}, under a shared lock; the container's completion, error and timeout events take
 * the exclusive lock, so they wait for a use in progress, and no use starts after them.
 */
public final class ContainerGuard implements AsyncListener {

    /** Something done with the request or response; it may throw I/O errors. */
    public interface Use {
        void run() throws IOException;
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Runnable onLost;
    private boolean released;

    /** @param onLost called once when the container ends the request by error or timeout */
    public ContainerGuard(Runnable onLost) {
        this.onLost = onLost;
    }

    /**
     * Runs {@code use} if the request and response are still this exchange's; returns false,
     * without running it, once the container has finished with them. Never call it from within
     * another use, nor hold it across {@code AsyncContext.complete()} (see {@link #complete}).
     */
    public boolean use(Use use) throws IOException {
        lock.readLock().lock();
        try {
            if (released) {
                return false;
            }
            use.run();
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether the container has finished with the request. */
    public boolean released() {
        lock.readLock().lock();
        try {
            return released;
        } finally {
            lock.readLock().unlock();
        }
    }

    private boolean release() {
        lock.writeLock().lock();
        try {
            boolean first = !released;
            released = true;
            return first;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        release();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (release()) {
            onLost.run();
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        if (release()) {
            onLost.run();
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a local redirect re-enters the servlet, whose new exchange registers its own guard
    }
}
