package dev.gatehouse.fastcgi.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(1));

    @Test
    void doublesUpToTheMaximumWhileRunsAreShort() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(backoff.after(Duration.ofSeconds(1)).toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10000L, 10000L, 10000L), delays);
    }

    @Test
    void aMinuteOfHealthStartsAgain() {
        backoff.after(Duration.ZERO);
        backoff.after(Duration.ZERO);
        assertEquals(400, backoff.after(Duration.ofSeconds(59)).toMillis());
        assertEquals(100, backoff.after(Duration.ofMinutes(1)).toMillis());
        assertEquals(200, backoff.after(Duration.ZERO).toMillis());
    }
}
