package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DrainBoundTest {

    /** Bytes dropped so far and announced as left, with a bound of 1000 bytes. */
    record Case(String name, long dropped, long rest, boolean readOn) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("nothing dropped, known rest within the bound", 0, 1000, true),
                new Case("nothing dropped, known rest beyond the bound: not drained at all", 0, 1001, false),
                new Case("dropped and rest exactly the bound", 400, 600, true),
                new Case("dropped and rest one over the bound", 400, 601, false),
                new Case("known rest of nothing: read to the end of input", 1000, 0, true),
                new Case("unknown length, within the bound", 1000, -1, true),
                new Case("unknown length, one over the bound", 1001, -1, false),
                new Case("unknown length, nothing dropped yet", 0, -1, true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void readsOnWhileNoMoreThanTheBoundWouldBeDropped(Case c) {
        assertEquals(c.readOn(), new DrainBound(1000, Duration.ofSeconds(5)).readOn(c.dropped(), c.rest()));
    }

    @Test
    void aServletsBoundIsItsMaxSpoolBytesForFiveSeconds() {
        assertEquals(new DrainBound(67_108_864L, Duration.ofSeconds(5)), DrainBound.of(67_108_864L));
    }

    @Test
    void aZeroBoundDrainsOnlyAnEmptyRest() {
        DrainBound none = DrainBound.of(0);
        assertEquals(true, none.readOn(0, 0));
        assertEquals(false, none.readOn(0, 1));
        assertEquals(false, none.readOn(1, -1));
    }

    @Test
    void negativeBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DrainBound(-1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DrainBound(0, Duration.ofSeconds(-1)));
    }
}
