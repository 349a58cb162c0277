package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The acceptance rule at its edges: exactly the window behind the newest sample is in, and no subtraction wraps. */
class OutOfOrderWindowTest {
    private static void f(final long windowMs, final long tsMs, final long newestMs, final boolean accepted) {
        assertEquals(accepted, new OutOfOrderWindow(windowMs).accepts(tsMs, newestMs),
            "window=" + windowMs + " ts=" + tsMs + " newest=" + newestMs);
    }

    @Test
    void shouldAcceptExactlyTheWindowBehindTheNewestSampleWhenAtItsEdge() {
        f(3_600_000, 10_000_000 - 3_600_000, 10_000_000, true);
        f(3_600_000, 10_000_000 - 3_600_001, 10_000_000, false);
        f(3_600_000, 10_000_000, 10_000_000, true);
        f(3_600_000, 10_000_001, 10_000_000, true);
        f(0, 9, 10, false);
        f(0, 10, 10, true);
        f(3_600_000, -3_600_000, 0, true);
        f(3_600_000, -3_600_001, 0, false);
    }

    @Test
    void shouldRejectFarPastTimestampsWhenTheDifferenceOverflows() {
        f(3_600_000, Long.MIN_VALUE, 1_000, false);
        f(3_600_000, Long.MIN_VALUE + 1, Long.MAX_VALUE, false);
        f(3_600_000, -2, Long.MAX_VALUE, false);
        f(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, false);
        f(Long.MAX_VALUE, 0, Long.MAX_VALUE, true);
    }
}
