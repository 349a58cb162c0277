package io.metricstream.query.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.testsupport.Seeds;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SeriesMergerTest {
    private static final LabelSet A = LabelSet.of("__name__", "a");
    private static final LabelSet B = LabelSet.of("__name__", "b");

    private static SeriesSamples s(final LabelSet l, final long[] ts, final double[] vs) {
        return new SeriesSamples(l, ts, vs);
    }

    @Test
    void shouldMergeByTimestampAndDropDuplicatesWhenSameSeriesFromTwoInstances() {
        final List<SeriesSamples> out = SeriesMerger.merge(List.of(
            List.of(s(A, new long[] {1, 3, 5}, new double[] {1, 3, 5}), s(B, new long[] {1}, new double[] {9})),
            List.of(s(A, new long[] {2, 3, 6}, new double[] {2, 30, 6}))));
        assertEquals(2, out.size());
        assertEquals(A, out.get(0).labels());
        assertArrayEquals(new long[] {1, 2, 3, 5, 6}, out.get(0).timestamps());
        assertArrayEquals(new double[] {1, 2, 3, 5, 6}, out.get(0).values());
        assertEquals(B, out.get(1).labels());
    }

    @Test
    void shouldEqualSortedUnionWhenMergingRandomInputs() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            final TreeMap<Long, Double> want = new TreeMap<>();
            final SeriesSamples[] parts = new SeriesSamples[3];
            for (int p = 0; p < parts.length; p++) {
                final TreeMap<Long, Double> part = new TreeMap<>();
                for (int i = random.nextInt(20); i > 0; i--) {
                    part.put((long) random.nextInt(50), (double) random.nextInt(1000));
                }
                part.forEach(want::putIfAbsent);
                parts[p] = s(A, part.keySet().stream().mapToLong(Long::longValue).toArray(),
                    part.values().stream().mapToDouble(Double::doubleValue).toArray());
            }
            final List<SeriesSamples> out = SeriesMerger.merge(List.of(List.of(parts[0]), List.of(parts[1]),
                List.of(parts[2])));
            assertEquals(1, out.size(), "seed=" + seed);
            assertArrayEquals(want.keySet().stream().mapToLong(Long::longValue).toArray(), out.get(0).timestamps(),
                "seed=" + seed);
            assertArrayEquals(want.values().stream().mapToDouble(Double::doubleValue).toArray(), out.get(0).values(),
                "seed=" + seed);
        }
    }
}
