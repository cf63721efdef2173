package dev.gatehouse.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on a condition with a deadline, for asserting asynchronous effects (a kill, a restart, a
 * log line, a file removed): polls until it holds, else fails naming what was awaited. Never a
 * fixed sleep then a check: a met condition costs nothing, a loaded machine only waits longer.
 */
public final class Await {

    /** What the suite allows for any asynchronous effect, generous for a loaded 2-core machine. */
    public static final Duration LIMIT = Duration.ofSeconds(15);

    private static final long POLL_MILLIS = 20;

    private Await() {}

    /**
     * Polls {@code condition} until it holds or {@code limit} passes; then fails with {@code what}
     * (evaluated at the end, so it can describe the state last seen).
     */
    public static void until(Duration limit, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + what.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@link #until(Duration, BooleanSupplier, Supplier)} with {@link #LIMIT}. */
    public static void until(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        until(LIMIT, condition, what);
    }
}
