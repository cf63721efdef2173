package dev.gatehouse.asgi.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the bridge off a request and response the container has finished with. A container may
 * end an async request by itself (Tomcat completes it when the client disconnects, then recycles
 * the objects for another request): a late read or write would land in someone else's exchange.
 * Every use goes through {@link #use}, under a shared lock; the container's completion, error and
 * timeout events take the exclusive lock, so they wait for a use in progress, and no use starts
 * after them. The same technique as cgi-servlet's ContainerGuard, kept here so that this module
 * does not depend on the CGI one.
 */
final class ExchangeGuard implements AsyncListener {

    /** Something done with the request or response; it may throw I/O errors. */
    interface Use<T> {
        T run() throws IOException;
    }

    /** What the exchange does when the container ends the request without it. */
    interface Owner {
        /**
         * The container ended the request: with {@code cause} for an error, or null for a
         * completion (the bridge's own, or one it did not ask for, such as Tomcat's on a client
         * disconnect; the owner tells them apart by its own state).
         */
        void lost(Throwable cause);

        /**
         * The async timeout expired. Called on the container's thread, once no use is in progress and
         * none can start: the owner may answer or abort the response here, as the container expects.
         */
        void timedOut();
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Owner owner;
    private volatile boolean released;

    ExchangeGuard(Owner owner) {
        this.owner = owner;
    }

    /**
     * Runs {@code use} and returns its result if the request and response are still the
     * exchange's; returns {@code whenReleased} without running it once the container has finished
     * with them. Never hold it across {@code AsyncContext.complete()}: a container may call {@code
     * onComplete} (which takes the exclusive lock) before {@code complete()} returns.
     */
    <T> T use(Use<T> use, T whenReleased) throws IOException {
        lock.readLock().lock();
        try {
            return released ? whenReleased : use.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Whether the container has finished with the request; a plain read, as a hint (written under
     * the exclusive lock, volatile so that it is seen at once): a caller that acts on false must
     * still tolerate the container ending the request meanwhile.
     */
    boolean released() {
        return released;
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
        if (release()) {
            owner.lost(null); // no exception built here: this runs once for every normal request
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (release()) {
            owner.timedOut();
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        if (release()) {
            Throwable cause = event.getThrowable();
            owner.lost(cause != null ? cause : new IOException("the container reported an error"));
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // the bridge starts async once per request and never restarts it
    }
}
