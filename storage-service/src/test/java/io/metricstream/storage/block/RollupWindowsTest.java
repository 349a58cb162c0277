package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.storage.block.RollupWindows.Agg;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The documented NaN / stale-marker semantics of one window, and combining partial windows. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RollupWindowsTest {
    private static long bits(final double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void shouldSkipStaleMarkersAndPropagateNanOnlyThroughSumWhenWindowMixesThem() {
        final RollupWindows w = new RollupWindows();
        w.addSample(1_000, bits(Double.NaN), 300_000);
        w.addSample(2_000, bits(5), 300_000);
        w.addSample(3_000, bits(Double.NaN), 300_000);
        w.addSample(4_000, bits(3), 300_000);
        w.addSample(5_000, StaleMarker.BITS, 300_000);
        w.addSample(600_000, StaleMarker.BITS, 300_000);
        assertEquals(1, w.size(), "a window of only stale markers does not exist");
        assertEquals(0, w.startAt(0));
        assertEquals(3.0, w.value(0, Agg.MIN));
        assertEquals(5.0, w.value(0, Agg.MAX));
        assertTrue(Double.isNaN(w.value(0, Agg.SUM)));
        assertTrue(Double.isNaN(w.value(0, Agg.AVG)));
        assertEquals(4.0, w.value(0, Agg.COUNT));
        assertEquals(3.0, w.value(0, Agg.LAST));
        assertEquals(4_000, w.lastTimestampAt(0));
    }

    @Test
    void shouldGiveNanMinMaxWhenEveryValueIsNan() {
        final RollupWindows w = new RollupWindows();
        w.addSample(-1, bits(Double.NaN), 300_000);
        w.addSample(-2 + 2, bits(Double.NaN), 300_000);
        assertEquals(2, w.size(), "-1 ms is in the window starting at -300000");
        assertEquals(-300_000, w.startAt(0));
        assertTrue(Double.isNaN(w.value(0, Agg.MIN)) && Double.isNaN(w.value(0, Agg.MAX)));
    }

    @Test
    void shouldEqualOneWindowWhenPartialWindowsAreCombinedOutOfOrder() {
        final RollupWindows parts = new RollupWindows();
        parts.add(0, 2, 9, 11, 2, 9, 50_000);
        parts.add(0, Double.NaN, Double.NaN, Double.NaN, 1, Double.NaN, 10_000);
        parts.add(300_000, 1, 1, 1, 1, 1, 300_001);
        parts.add(0, -4, -4, -4, 1, -4, 70_000);
        parts.sortAndCombine();
        assertEquals(2, parts.size());
        assertEquals(-4.0, parts.value(0, Agg.MIN));
        assertEquals(9.0, parts.value(0, Agg.MAX));
        assertTrue(Double.isNaN(parts.value(0, Agg.SUM)));
        assertEquals(4.0, parts.value(0, Agg.COUNT));
        assertEquals(-4.0, parts.value(0, Agg.LAST));
        assertEquals(70_000, parts.lastTimestampAt(0));
        assertEquals(300_000, parts.startAt(1));
    }
}
