package io.metricstream.loadgen.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OpenLoopScheduleTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldSpaceRequestsEvenlyWhenRateIsConstant() {
        final OpenLoopSchedule s = new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(2 * S, 100)));
        assertEquals(200, s.totalRequests());
        assertEquals(0, s.intendedOffsetNanos(0));
        assertEquals(10_000_000, s.intendedOffsetNanos(1));
        assertEquals(1_990_000_000, s.intendedOffsetNanos(199));
        assertThrows(IndexOutOfBoundsException.class, () -> s.intendedOffsetNanos(200));
    }

    @Test
    void shouldSwitchRateAtPhaseBoundaryWhenSpiking() {
        final OpenLoopSchedule s = new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(S, 10),
            new OpenLoopSchedule.Phase(S, 100), new OpenLoopSchedule.Phase(S, 10)));
        assertEquals(120, s.totalRequests());
        assertEquals(3 * S, s.durationNanos());
        assertEquals(900_000_000, s.intendedOffsetNanos(9));
        assertEquals(S, s.intendedOffsetNanos(10));
        assertEquals(S + 10_000_000, s.intendedOffsetNanos(11));
        assertEquals(2 * S, s.intendedOffsetNanos(110));
        for (long i = 1; i < s.totalRequests(); i++) {
            assertTrue(s.intendedOffsetNanos(i) > s.intendedOffsetNanos(i - 1), "increasing at " + i);
            assertTrue(s.intendedOffsetNanos(i) < s.durationNanos(), "inside the schedule at " + i);
        }
    }

    @Test
    void shouldRoundUpPartialIntervalsWhenRateDoesNotDivideDuration() {
        final OpenLoopSchedule s = new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(S, 3)));
        assertEquals(3, s.totalRequests());
        assertEquals(666_666_666, s.intendedOffsetNanos(2));
        assertEquals(1, new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(S, 0.5))).totalRequests());
        assertThrows(IllegalArgumentException.class,
            () -> new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(S, 0))));
    }
}
