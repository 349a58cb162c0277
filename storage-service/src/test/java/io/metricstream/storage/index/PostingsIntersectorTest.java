package io.metricstream.storage.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PostingsIntersectorTest {
    @Test
    void shouldEqualBruteForceWhenListsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int iter = 0; iter < 500; iter++) {
            final int k = 1 + rnd.nextInt(4);
            final List<long[]> lists = new ArrayList<>();
            TreeSet<Long> expected = null;
            for (int i = 0; i < k; i++) {
                final TreeSet<Long> set = new TreeSet<>();
                final int n = rnd.nextInt(rnd.nextBoolean() ? 10 : 2000);
                final int range = 1 + rnd.nextInt(5000);
                for (int j = 0; j < n; j++) {
                    set.add((long) rnd.nextInt(range));
                }
                lists.add(set.stream().mapToLong(Long::longValue).toArray());
                if (expected == null) {
                    expected = new TreeSet<>(set);
                } else {
                    expected.retainAll(set);
                }
            }
            assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(),
                PostingsIntersector.intersect(lists), "seed=" + seed + " iter=" + iter);
            final TreeSet<Long> union = new TreeSet<>();
            for (final long[] l : lists) {
                for (final long v : l) {
                    union.add(v);
                }
            }
            assertArrayEquals(union.stream().mapToLong(Long::longValue).toArray(), Postings.union(lists));
        }
    }
}
