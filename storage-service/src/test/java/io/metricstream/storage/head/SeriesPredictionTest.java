package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Head#resolve}'s next-series prediction against the plain path: random series keys (similar ones: same
 * length, one character apart) in repeated, perturbed and random orders, with every hash collision forced by a
 * registry that keeps two bits of the hash, resolve to the same series as a model that numbers keys in first-seen
 * order, and the same as a head with the full hash.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeriesPredictionTest {
    private static final HeadOptions OPTIONS = new HeadOptions(120, 7_200_000L, 60_000L, 100_000, 8, 64);

    @Test
    void shouldResolveTheSameSeriesAsThePlainPathWhenOrdersVaryAndHashesCollide() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final List<ByteBuf> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // "h" + two digits: keys of one length differing in a byte or two, so key compares must be exact
            final LabelSet labels = LabelSet.of("__name__", "m" + rnd.nextInt(3), "host",
                "h" + (char) ('0' + rnd.nextInt(10)) + (char) ('0' + rnd.nextInt(10)), "job", "j" + rnd.nextInt(2));
            final ByteBuf key = Unpooled.buffer(SeriesKeyCodec.encodedLength(labels));
            SeriesKeyCodec.encode(labels, key);
            keys.add(key);
        }
        final Head colliding = new Head(OPTIONS, new HeadMetrics(new MetricsRegistry()), new SeriesRegistry(0x3L));
        final Head plain = new Head(OPTIONS, new HeadMetrics(new MetricsRegistry()));
        final Map<ByteBuf, Long> model = new HashMap<>();
        final int[] order = new int[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int round = 0; round < 200; round++) {
            switch (rnd.nextInt(4)) {
                case 0 -> shuffle(order, rnd);
                case 1 -> {
                    // a few swaps: mostly the previous order, as requests from one client
                    for (int k = rnd.nextInt(4); k > 0; k--) {
                        swap(order, rnd.nextInt(order.length), rnd.nextInt(order.length));
                    }
                }
                default -> {
                    // the previous order again (predictions hit)
                }
            }
            final int n = rnd.nextInt(1, order.length + 1);
            final int from = rnd.nextInt(order.length - n + 1);
            for (int i = from; i < from + n; i++) {
                final ByteBuf key = keys.get(order[i]);
                final long want = model.computeIfAbsent(key, k -> (long) model.size());
                final MemSeries a = colliding.resolve(key, 0, key.writerIndex(), 1);
                final MemSeries b = plain.resolve(key, 0, key.writerIndex(), 1);
                assertNotNull(a, "seed=" + seed);
                assertEquals(want, a.ref(), "seed=" + seed + " round=" + round);
                assertEquals(want, b.ref(), "seed=" + seed + " round=" + round);
                assertEquals(SeriesKeyCodec.decode(key, 0, key.writerIndex()), a.labels(), "seed=" + seed);
            }
        }
        assertEquals(model.size(), colliding.registry().size());
        assertEquals(model.size(), plain.registry().size());
    }

    @Test
    void shouldNotPredictARejectedKeyWhenItFollowsAKnownSeries() {
        final Head head = new Head(new HeadOptions(120, 7_200_000L, 60_000L, 1, 8, 64),
            new HeadMetrics(new MetricsRegistry()));
        final ByteBuf first = key(LabelSet.of("__name__", "a"));
        final ByteBuf second = key(LabelSet.of("__name__", "b"));
        final MemSeries a = head.resolve(first, 0, first.writerIndex(), 1);
        for (int i = 0; i < 3; i++) {
            assertNull(head.resolve(second, 0, second.writerIndex(), 1), "max_series rejects it every time");
            assertSame(a, head.resolve(first, 0, first.writerIndex(), 1));
        }
    }

    private static ByteBuf key(final LabelSet labels) {
        final ByteBuf key = Unpooled.buffer(SeriesKeyCodec.encodedLength(labels));
        SeriesKeyCodec.encode(labels, key);
        return key;
    }

    private static void shuffle(final int[] a, final SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            swap(a, i, rnd.nextInt(i + 1));
        }
    }

    private static void swap(final int[] a, final int i, final int j) {
        final int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
