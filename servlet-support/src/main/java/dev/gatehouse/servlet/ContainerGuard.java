package dev.gatehouse.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a bridge's threads off a request and response the container has finished with. A
 * container may end an async request by itself (Tomcat completes it when the client disconnects,
 * then recycles the objects for another request): a late read or write from a gateway, transport
 * or application thread would land in someone else's exchange. One guard per exchange, registered
 * as the request's {@link AsyncListener}; every bridge (CGI, FastCGI proxy, ASGI) uses it alike.
 *
 * <p>The promise: every use of the request or response is bracketed by {@link #enter} and {@link
 * #exit} (or goes through {@link #use} or {@link #run}); the container's completion, error and
 * timeout events release the guard, then wait for the uses in progress to exit, and no use starts
 * after them. Only then is the {@link Owner} told, once, of the first of those events.
 *
 * <p>The rules for the bridge:
 *
 * <ul>
 *   <li>Never hold a use across {@code AsyncContext.complete()}, nor call {@link #close} within
 *       one: a container may call {@code onComplete} (which waits for the uses to exit) on the same
 *       thread before {@code complete()} returns, and that wait would never end.
 *   <li>Keep a use short: one or a few container calls. The container's thread waits for it.
 *   <li>Uses may nest (an {@link #enter} within a use is allowed); once the guard is released an
 *       inner enter is refused like any other, and the release still waits for the outer use.
 *   <li>A container may end the request inline, on a thread that is inside a use, from a call
 *       that is not {@code complete()}: Jetty 12 runs a pending demand from {@code
 *       ServletInputStream.isReady()} there, and with it the completion of a request whose {@code
 *       complete()} was asked before. The release then waits only for the uses of other threads
 *       (waiting for its own would never end); the use it happened in goes on, and finds the
 *       request ended when the container's call returns.
 * </ul>
 *
 * <p>One atomic word instead of a read-write lock: its sign bit says released, the rest counts
 * the uses in progress. A use costs two atomic increments and a push and pop on its thread's
 * small stack of guards in use, and allocates nothing (but that stack, once a thread); a guard is
 * one small object: there is one per request, and a use is rarely contended (an exchange's uses
 * mostly run one at a time; only the container's release overlaps them).
 */
public final class ContainerGuard implements AsyncListener {

    /** Something done with the request or response that gives a result; it may throw I/O errors. */
    @FunctionalInterface
    public interface Use<T> {
        T run() throws IOException;
    }

    /** Something done with the request or response; it may throw I/O errors. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    /**
     * What the exchange does when the container ends the request. At most one of these methods
     * is called, once, for the first of the container's events, after the uses in progress have
     * exited and with none able to start; none is called after {@link #close}. They run on the
     * container's thread.
     */
    public interface Owner {
        /**
         * {@code onComplete}: the container completed the request, on the exchange's own {@code
         * complete()} or on its own (Tomcat's on a client disconnect); the owner tells them apart
         * by its own state. It runs once for every normal request, so the default does nothing.
         */
        default void completed() {}

        /**
         * {@code onError}: the container ended the request for {@code cause}, the event's
         * throwable or, when it has none, an {@link IOException} saying so (never null).
         */
        void failed(Throwable cause);

        /**
         * {@code onTimeout}: the async timeout expired. The owner may answer or abort the response
         * here, as the container expects of a listener, and must not block.
         */
        void timedOut();

        /**
         * An owner for whom an error and a timeout are one loss, {@code lost} run once, and a
         * completion needs nothing (the exchange either asked for it or finds the guard released).
         */
        static Owner onLoss(Runnable lost) {
            return new Owner() {
                @Override
                public void failed(Throwable cause) {
                    lost.run();
                }

                @Override
                public void timedOut() {
                    lost.run();
                }
            };
        }
    }

    private static final int RELEASED = Integer.MIN_VALUE;

    /** {@link #RELEASED} or not, plus the number of uses in progress. */
    private final AtomicInteger state = new AtomicInteger();

    private final Owner owner;
    /** The thread waiting in {@link #release} for the uses in progress, if any. */
    private volatile Thread releaser;

    /**
     * The guards each thread is inside a use of, innermost first, then nulls: what lets a release
     * that the container runs inline, within a use, tell its own thread's uses from the others'.
     * A plain {@code Object[]} of the JDK's, made once a thread, and empty (all null) outside a
     * use: a container thread that outlives this web application holds nothing of its classes
     * (Tomcat reports, and would have to clear, a thread-local value of a web application class).
     */
    private static final ThreadLocal<Object[]> HELD = new ThreadLocal<>();

    private static Object[] held() {
        Object[] held = HELD.get();
        if (held == null) {
            held = new Object[4];
            HELD.set(held);
        }
        return held;
    }

    private void pushHeld() {
        Object[] held = held();
        int size = 0;
        while (size < held.length && held[size] != null) {
            size++;
        }
        if (size == held.length) {
            held = Arrays.copyOf(held, size * 2);
            HELD.set(held);
        }
        held[size] = this;
    }

    private void popHeld() {
        Object[] held = held();
        int last = -1;
        int size = 0;
        while (size < held.length && held[size] != null) {
            if (held[size] == this) {
                last = size;
            }
            size++;
        }
        if (last >= 0) {
            System.arraycopy(held, last + 1, held, last, size - last - 1);
            held[size - 1] = null;
        }
    }

    /** This thread's guards in use, a copy, for a test. */
    static Object[] heldByThisThread() {
        Object[] held = HELD.get();
        return held == null ? new Object[0] : held.clone();
    }

    private int countHeld() {
        Object[] held = HELD.get();
        int n = 0;
        for (int i = 0; held != null && i < held.length && held[i] != null; i++) {
            if (held[i] == this) {
                n++;
            }
        }
        return n;
    }

    public ContainerGuard(Owner owner) {
        this.owner = owner;
    }

    /**
     * Starts a use: true when the request and response are still the exchange's, and then {@link
     * #exit} must follow in a {@code finally}; false once the container has finished with them (no
     * exit then). The rules of the class apply.
     */
    public boolean enter() {
        if (state.getAndIncrement() < 0) {
            leave();
            return false;
        }
        pushHeld();
        return true;
    }

    /** Ends a use that {@link #enter} allowed. */
    public void exit() {
        popHeld();
        leave();
    }

    private void leave() {
        if (state.decrementAndGet() < 0) {
            Thread waiting = releaser;
            if (waiting != null) {
                LockSupport.unpark(waiting); // it checks whether the uses it waits for are gone
            }
        }
    }

    /**
     * Runs {@code use} and returns its result if the request and response are still the
     * exchange's; returns {@code whenReleased} without running it once the container has finished
     * with them.
     */
    public <T> T use(Use<T> use, T whenReleased) throws IOException {
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
     * Runs {@code action} if the request and response are still the exchange's; returns false,
     * without running it, once the container has finished with them.
     */
    public boolean run(Action action) throws IOException {
        if (!enter()) {
            return false;
        }
        try {
            action.run();
            return true;
        } finally {
            exit();
        }
    }

    /**
     * Whether the container has finished with the request; a plain read, as a hint: a caller that
     * acts on false must still tolerate the container ending the request meanwhile.
     */
    public boolean released() {
        return state.get() < 0;
    }

    /**
     * Releases the guard for its owner, who knows the container is about to finish with the
     * request (an exchange that ends within the container's dispatch, which registers no
     * listener): waits for the uses in progress, no use starts after this, and the owner is not
     * called, now or for a later event.
     */
    public void close() {
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
            awaitUses(countHeld());
        }
        return true;
    }

    /**
     * Parks until the uses in progress are down to {@code own}, this thread's (a release the
     * container runs inline, within a use); an interrupt is kept for later, not obeyed.
     */
    private void awaitUses(int own) {
        releaser = Thread.currentThread();
        boolean interrupted = false;
        while (state.get() != RELEASED + own) {
            LockSupport.park(this); // a use in progress exits soon: it is one container call
            // a set interrupt flag would make park return at once: spin no CPU away on it
            interrupted |= Thread.interrupted();
        }
        releaser = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (release()) {
            owner.completed();
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
            owner.failed(cause != null ? cause : new IOException("the container reported an error"));
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // nothing to do: a request that starts async again (after a dispatch, such as a CGI local
        // redirect's) is a new cycle for a new exchange with a guard of its own; this listener
        // hears no more of it unless it adds itself again, which it does not
    }
}
