package io.metricstream.loadgen.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SyntheticSourceTest {
    private static SyntheticSpec spec(final ValueShape shape, final long seed) {
        return new SyntheticSpec(4, List.of("m_a", "m_b"), List.of(shape), 3, "shard", seed, null);
    }

    private static double[] draw(final SyntheticSpec spec, final int samples) {
        final SyntheticSource s = new SyntheticSource(spec);
        final SampleBatch b = new SampleBatch(samples);
        s.fill(b, samples, 1000);
        final double[] v = new double[samples];
        for (int i = 0; i < samples; i++) {
            v[i] = b.value(i);
        }
        return v;
    }

    @Test
    void shouldRepeatValuesWhenSeedIsTheSame() {
        for (ValueShape shape : ValueShape.values()) {
            assertArrayEquals(draw(spec(shape, 5), 2000), draw(spec(shape, 5), 2000), shape.name());
        }
        assertTrue(!java.util.Arrays.equals(draw(spec(ValueShape.RANDOM_WALK, 5), 100),
            draw(spec(ValueShape.RANDOM_WALK, 6), 100)), "different seeds, different values");
    }

    @Test
    void shouldBuildHostsTimesMetricsTimesCardinalitySeriesWhenConstructed() {
        final SyntheticSource s = new SyntheticSource(spec(ValueShape.SINE, 1));
        assertEquals(24, s.catalog().size());
        assertEquals("2", s.catalog().labels(2).get("shard"));
        assertEquals("h00", s.catalog().labels(0).get("host"));
    }

    /** Per-series values over many rounds, keyed by series id. */
    private static Map<Integer, List<Double>> rounds(final ValueShape shape, final int rounds) {
        final SyntheticSource s = new SyntheticSource(spec(shape, 3));
        final Map<Integer, List<Double>> bySeries = new HashMap<>();
        final Map<Integer, Long> lastTs = new HashMap<>();
        final SampleBatch b = new SampleBatch(1000);
        for (int r = 0; r < rounds; r++) {
            b.clear();
            s.fill(b, 24, 5000);   // the clock does not move: timestamps must still increase per series
            for (int i = 0; i < b.size(); i++) {
                final Long prev = lastTs.put(b.seriesId(i), b.timestampMs(i));
                assertTrue(prev == null || b.timestampMs(i) > prev, "timestamps strictly increase per series");
                bySeries.computeIfAbsent(b.seriesId(i), k -> new java.util.ArrayList<>()).add(b.value(i));
            }
        }
        return bySeries;
    }

    @Test
    void shouldFollowEachShapeWhenGeneratingRounds() {
        rounds(ValueShape.COUNTER, 300).values().forEach(v -> {
            for (int i = 1; i < v.size(); i++) {
                assertTrue(v.get(i) >= v.get(i - 1) && v.get(i) == Math.rint(v.get(i)), "counter: " + v);
            }
        });
        rounds(ValueShape.RANDOM_WALK, 300).values().forEach(v -> v.forEach(x ->
            assertTrue(x >= 0 && x <= 100, "walk in [0,100]: " + x)));
        rounds(ValueShape.SINE, 300).values().forEach(v -> v.forEach(x ->
            assertTrue(x >= 10 - 1e-9 && x <= 90 + 1e-9, "sine in [10,90]: " + x)));
        final long spikes = rounds(ValueShape.SPIKES, 1000).values().stream().flatMap(List::stream)
            .filter(x -> x >= 100).count();
        assertTrue(spikes > 24 * 1000 * 0.005 && spikes < 24 * 1000 * 0.02, "about 1% spikes: " + spikes);
        final SyntheticSource gaps = new SyntheticSource(spec(ValueShape.GAPS, 3));
        final SampleBatch b = new SampleBatch(24_000);
        gaps.fill(b, 24_000, 0);
        final long roundsUsed = b.timestampMs(b.size() - 1) + 1;   // one ms per round at a frozen clock
        final double present = 24_000.0 / (24 * roundsUsed);
        assertTrue(present < 0.95 && present > 0.85, "about 10% gaps: " + present);
    }

    @Test
    void shouldReportBadValueForCanaryHostsWhenDelayHasPassed() {
        final SyntheticSpec spec = new SyntheticSpec(10, List.of("cpu"), List.of(ValueShape.RANDOM_WALK), 1, "s", 1,
            new SyntheticSpec.Canary(0.2, 1000, 99.5));
        final SyntheticSource s = new SyntheticSource(spec);
        assertEquals(2, s.badHosts());
        final SampleBatch b = new SampleBatch(10);
        s.fill(b, 10, 0);
        for (int i = 0; i < 10; i++) {
            assertTrue(b.value(i) != 99.5, "not bad before the delay");
        }
        b.clear();
        s.fill(b, 10, 1000);
        for (int i = 0; i < 10; i++) {
            assertEquals(s.isCanarySeries(b.seriesId(i)), b.value(i) == 99.5, "series " + b.seriesId(i));
        }
    }
}
