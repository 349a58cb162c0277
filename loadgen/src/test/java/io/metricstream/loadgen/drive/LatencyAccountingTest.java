package io.metricstream.loadgen.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coordinated omission on a synthetic stalled server: one connection, requests due every 10 ms for 10 s, each
 * served in 1 ms, except that the server stalls for 1 s at t = 5 s. A closed-loop measurement (from the send)
 * sees one slow request; the open-loop measurement from the due time charges the ~110 requests that were due
 * during the stall.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LatencyAccountingTest {
    private static final long MS = 1_000_000L;

    @Test
    void shouldChargeDelayedRequestsWhenServerStalls() {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(List.of(new OpenLoopSchedule.Phase(10_000 * MS, 100)));
        final LatencyAccounting acc = new LatencyAccounting();
        long free = 0;   // when the single connection is next free
        for (long i = 0; i < schedule.totalRequests(); i++) {
            final long due = schedule.intendedOffsetNanos(i);
            final long sent = Math.max(due, free);
            final long service = sent >= 5_000 * MS && sent < 5_010 * MS ? 1_000 * MS : MS;
            final long end = sent + service;
            acc.record(due, sent, end);
            free = end;
        }
        final Histogram response = acc.total();
        final Histogram service = acc.serviceTotal();
        assertEquals(1000, response.getTotalCount());
        // Service time: only the one stalled request is slow, so p99 stays at 1 ms.
        assertEquals(1.0, service.getValueAtPercentile(99) / 1000.0, 0.01);
        assertEquals(1000, service.getMaxValue() / 1000, 2);
        // Response time: ~110 requests waited behind the stall, from ~1000 ms down to ~10 ms.
        assertTrue(response.getValueAtPercentile(99) / 1000.0 > 900, "p99 " + response.getValueAtPercentile(99));
        assertTrue(response.getValueAtPercentile(95) / 1000.0 > 400, "p95 " + response.getValueAtPercentile(95));
        assertEquals(1.0, response.getValueAtPercentile(50) / 1000.0, 0.01);
        final long slow = response.getCountBetweenValues(20_000, LatencyAccounting.MAX_MICROS);
        assertTrue(slow >= 105 && slow <= 112, "requests charged for the stall: " + slow);
    }

    @Test
    void shouldClampWhenLatencyIsNegativeOrHuge() {
        final LatencyAccounting acc = new LatencyAccounting();
        acc.record(10 * MS, 5 * MS, 5 * MS);
        acc.record(0, 0, Long.MAX_VALUE / 2);
        final Histogram h = acc.total();
        assertEquals(2, h.getTotalCount());
        assertEquals(0, h.getMinValue());
        assertTrue(h.getMaxValue() >= LatencyAccounting.MAX_MICROS);
    }
}
