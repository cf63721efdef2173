package dev.gatehouse.servlet;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one servlet may hold for bodies it buffers (request bodies read before a script or
 * backend sees them, responses absorbed while a client is slow): memory bytes, disk bytes, and
 * how many requests may be spooling at once. Each request bounds itself (a {@code maxSpoolBytes}
 * or a response-buffer size); this bounds their sum, so that many slow or stalled clients cannot
 * fill the heap or the temp dir before any admission limit is consulted (nginx has the per-request
 * bounds only; the sum is what a flood of unfinished chunked uploads exhausts).
 *
 * <p>Lock-free: each reservation is one compare-and-set loop on a counter, so the transport
 * thread and container threads share a budget without contention worth measuring. A refusal
 * reserves nothing. Each spool keeps its reservations in an {@link Account}, whose {@link
 * Account#close} gives back whatever is left, once, on every path a spool ends by.
 */
public final class SpoolBudget {

    private final long memoryBytes;
    private final long diskBytes;
    private final int maxSpooling;
    private final AtomicLong memory = new AtomicLong();
    private final AtomicLong disk = new AtomicLong();
    private final AtomicInteger spooling = new AtomicInteger();

    /**
     * @param memoryBytes the most memory all spools hold together
     * @param diskBytes the most bytes all spool files hold together
     * @param maxSpooling the most requests spooling at once
     */
    public SpoolBudget(long memoryBytes, long diskBytes, int maxSpooling) {
        if (memoryBytes < 0 || diskBytes < 0 || maxSpooling < 0) {
            throw new IllegalArgumentException("a budget is not negative");
        }
        this.memoryBytes = memoryBytes;
        this.diskBytes = diskBytes;
        this.maxSpooling = maxSpooling;
    }

    /** A budget that refuses nothing, for callers that bound nothing globally. */
    public static SpoolBudget unlimited() {
        return new SpoolBudget(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** Opens an account for one spool; it holds nothing yet and counts against nothing. */
    public Account account() {
        return new Account();
    }

    /** The memory held by all accounts now. */
    public long memoryUsed() {
        return memory.get();
    }

    /** The disk bytes held by all accounts now. */
    public long diskUsed() {
        return disk.get();
    }

    /** How many accounts hold a spooling slot now. */
    public int spooling() {
        return spooling.get();
    }

    @Override
    public String toString() {
        return "SpoolBudget[memory " + memory.get() + "/" + memoryBytes + ", disk " + disk.get() + "/" + diskBytes
                + ", spooling " + spooling.get() + "/" + maxSpooling + "]";
    }

    private static boolean reserve(AtomicLong used, long limit, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        long current;
        do {
            current = used.get();
            if (bytes > limit - current) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    /**
     * One spool's share of the budget. Not thread-safe by itself: it belongs to the one object
     * that owns the spool, which calls it under its own lock; only {@link #close} may race with
     * the owner, and it is synchronized so the two never release the same bytes twice.
     */
    public final class Account implements AutoCloseable {
        private long heldMemory;
        private long heldDisk;
        private boolean slot;
        private boolean closed;

        private Account() {}

        /**
         * Takes one of the {@code maxSpooling} slots for this spool (idempotent).
         *
         * @return false when they are all taken, or the account is closed
         */
        public synchronized boolean enter() {
            if (closed) {
                return false;
            }
            if (slot) {
                return true;
            }
            int current;
            do {
                current = spooling.get();
                if (current >= maxSpooling) {
                    return false;
                }
            } while (!spooling.compareAndSet(current, current + 1));
            slot = true;
            return true;
        }

        /** Gives back the slot {@link #enter} took, keeping the bytes: the spool is whole and waits to be sent. */
        public synchronized void leave() {
            if (slot) {
                slot = false;
                spooling.decrementAndGet();
            }
        }

        /** Reserves {@code bytes} of memory; false (nothing reserved) beyond the budget or once closed. */
        public synchronized boolean reserveMemory(long bytes) {
            if (closed || !reserve(memory, memoryBytes, bytes)) {
                return false;
            }
            heldMemory += bytes;
            return true;
        }

        /** Reserves {@code bytes} of disk; false (nothing reserved) beyond the budget or once closed. */
        public synchronized boolean reserveDisk(long bytes) {
            if (closed || !reserve(disk, diskBytes, bytes)) {
                return false;
            }
            heldDisk += bytes;
            return true;
        }

        /** Gives back memory this account holds (at most what it holds). */
        public synchronized void releaseMemory(long bytes) {
            long back = Math.min(bytes, heldMemory);
            heldMemory -= back;
            memory.addAndGet(-back);
        }

        /** Gives back disk this account holds (at most what it holds): its file was truncated or deleted. */
        public synchronized void releaseDisk(long bytes) {
            long back = Math.min(bytes, heldDisk);
            heldDisk -= back;
            disk.addAndGet(-back);
        }

        /** The memory this account holds. */
        public synchronized long memory() {
            return heldMemory;
        }

        /** The disk bytes this account holds. */
        public synchronized long disk() {
            return heldDisk;
        }

        /** Gives back all it holds, its slot included; later reservations are refused. Idempotent. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            releaseMemory(heldMemory);
            releaseDisk(heldDisk);
            leave();
        }
    }

    /**
     * The budget cannot hold more of a request body ({@code bound} is the init-param it ran out
     * of): the request is answered 503 and nothing of its body is kept.
     */
    public static final class RefusedException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        public RefusedException(String bound) {
            super("request body refused: " + bound + " is spent by what the servlet holds buffered");
        }
    }
}
