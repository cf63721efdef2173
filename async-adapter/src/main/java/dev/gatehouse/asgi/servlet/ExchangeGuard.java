package dev.gatehouse.asgi.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the bridge off a request and response the container has finished with. A container may
 * end an async request by itself (Tomcat completes it when the client disconnects, then recycles
 * the objects for another request): a late read or write would land in someone else's exchange.
 * Every use is bracketed by {@link #enter} and {@link #exit} (or goes through {@link #use}); the
 * container's completion, error and timeout events release the guard, then wait for the uses in
 * progress to exit, and no use starts after them. The same promise as cgi-servlet's
 * ContainerGuard, kept here so that this module does not depend on the CGI one.
 *
 * <p>One atomic word instead of a read-write lock: its sign bit says released, the rest counts
 * the uses in progress. A use costs two atomic increments and allocates nothing, and a guard is
 * one small object: there is one per request, and a use is rarely contended (the exchange's
 * {@link SerialLoop} runs one at a time; only the container's release can overlap it).
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

    private static final int RELEASED = Integer.MIN_VALUE;

    /** {@link #RELEASED} or not, plus the number of uses in progress. */
    private final AtomicInteger state = new AtomicInteger();

    private final Owner owner;
    /** The thread waiting in {@link #release} for the uses in progress, if any. */
    private volatile Thread releaser;

    ExchangeGuard(Owner owner) {
        this.owner = owner;
    }

    /**
     * Starts a use: true when the request and response are still the exchange's, and then {@link
     * #exit} must follow in a {@code finally}; false once the container has finished with them (no
     * exit then). Never hold a use across {@code AsyncContext.complete()}: a container may call
     * {@code onComplete} (which waits for the uses to exit) before {@code complete()} returns.
     */
    boolean enter() {
        if (state.getAndIncrement() < 0) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends a use that {@link #enter} allowed. */
    void exit() {
        if (state.decrementAndGet() == RELEASED) {
            Thread waiting = releaser;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * Runs {@code use} and returns its result if the request and response are still the
     * exchange's; returns {@code whenReleased} without running it once the container has finished
     * with them. The rules of {@link #enter} apply.
     */
    <T> T use(Use<T> use, T whenReleased) throws IOException {
        if (!enter()) {
            return whenReleased;
        }
        try {
            return use.run();
        } finally {
            exit();
        }
    }

    /**
     * Whether the container has finished with the request; a plain read, as a hint: a caller that
     * acts on false must still tolerate the container ending the request meanwhile.
     */
    boolean released() {
        return state.get() < 0;
    }

    /**
     * Releases the guard for its owner, who knows the container is about to finish with the
     * request (an exchange that ends within the container's dispatch, which registers no
     * listener): no use starts after this, and the owner is not called.
     */
    void close() {
        release();
    }

    /** Marks the guard released and waits for the uses in progress; true for the first call. */
    private boolean release() {
        int before;
        do {
            before = state.get();
            if (before < 0) {
                return false;
            }
        } while (!state.compareAndSet(before, before | RELEASED));
        if (before != 0) {
            releaser = Thread.currentThread();
            while (state.get() != RELEASED) {
                LockSupport.park(this); // a use in progress exits soon: it is one container call
            }
            releaser = null;
        }
        return true;
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
