package dev.gatehouse.servlet.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * For unit tests of the servlet glue: waits for a condition that another thread makes true
 * (a gateway thread, a transport thread), bounded by a deadline, never a fixed sleep.
 */
public final class Conditions {

    /** Long enough for a loaded CI machine; a condition that holds returns at once. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Conditions() {}

    /** Returns once {@code condition} holds; fails with {@code what} at the deadline. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
