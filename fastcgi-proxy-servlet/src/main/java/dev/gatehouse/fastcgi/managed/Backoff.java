package dev.gatehouse.fastcgi.managed;

import java.time.Duration;
import java.util.Objects;

/**
 * The delays between restarts of a backend that keeps exiting: {@code first}, doubling up to
 * {@code max}; a run that lasted {@code healthyAfter} or longer starts the sequence again, so a
 * backend that crashes once a day restarts at once, one that crashes on start does not spin.
 */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private final Duration healthyAfter;
    private Duration next;

    Backoff(Duration first, Duration max, Duration healthyAfter) {
        this.first = Objects.requireNonNull(first, "first");
        this.max = Objects.requireNonNull(max, "max");
        this.healthyAfter = Objects.requireNonNull(healthyAfter, "healthyAfter");
        this.next = first;
    }

    /** The delay before the next start, given how long the run that just ended lasted. */
    Duration after(Duration lastRun) {
        if (lastRun.compareTo(healthyAfter) >= 0) {
            next = first;
        }
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }
}
