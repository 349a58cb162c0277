package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeriesKeyBuilderTest {

    @Test
    void shouldWriteCanonicalKeyWhenLabelsArriveInAnyOrder() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        // a pooled heap buffer (array offset inside a chunk, grows by moving) and an unpooled one from a small start
        f(rnd, PooledByteBufAllocator.DEFAULT);
        f(rnd, UnpooledByteBufAllocator.DEFAULT);
    }

    private static void f(final SplittableRandom rnd, final ByteBufAllocator alloc) {
        final SeriesKeyBuilder builder = new SeriesKeyBuilder(ParseLimits.DEFAULT);
        final StagedSamples staged = new StagedSamples(alloc, 4, 1_000_000, 16);
        final ByteBuf expected = Unpooled.buffer();
        try {
            for (int iter = 0; iter < 3000; iter++) {
                final int labels = 1 + rnd.nextInt(iter % 100 == 0 ? 30 : 6);
                final String[] pairs = new String[labels * 2];
                final StringBuilder body = new StringBuilder();
                for (int l = 0; l < labels; l++) {
                    pairs[2 * l] = l == 0 ? "__name__" : "l" + l + "_" + Long.toString(rnd.nextLong(1L << 40), 36);
                    pairs[2 * l + 1] = "v" + "\u00e9".repeat(rnd.nextInt(3))
                        + "x".repeat(rnd.nextInt(iter % 50 == 0 ? 300 : 20));
                }
                final int[] offsets = new int[labels * 2];
                final int[] lengths = new int[labels * 2];
                for (int i = 0; i < pairs.length; i++) {
                    offsets[i] = body.toString().getBytes(StandardCharsets.UTF_8).length;
                    lengths[i] = pairs[i].getBytes(StandardCharsets.UTF_8).length;
                    body.append(pairs[i]);
                }
                final byte[] src = body.toString().getBytes(StandardCharsets.UTF_8);
                builder.begin(src);
                // the labels in a shuffled order: the key must not depend on it
                final int[] perm = new int[labels];
                for (int l = 0; l < labels; l++) {
                    final int j = rnd.nextInt(l + 1);
                    perm[l] = perm[j];
                    perm[j] = l;
                }
                for (int l : perm) {
                    assertEquals(SeriesKeyBuilder.OK,
                        builder.add(offsets[2 * l], lengths[2 * l], offsets[2 * l + 1], lengths[2 * l + 1]));
                }
                final int keyAt = staged.keys().writerIndex();
                assertEquals(SeriesKeyBuilder.OK, builder.finish(staged));
                expected.clear();
                final int n = SeriesKeyCodec.encode(LabelSet.of(pairs), expected);
                assertEquals(n, staged.seriesKeyLength(), "key length, iteration " + iter);
                assertEquals(keyAt, staged.seriesKeyAt());
                assertArrayEquals(ByteBufUtil.getBytes(expected, 0, n), ByteBufUtil.getBytes(staged.keys(), keyAt, n),
                    "key bytes, iteration " + iter);
                if (rnd.nextInt(20) == 0) {
                    staged.reset(4);
                }
            }
        } finally {
            expected.release();
            staged.release();
        }
    }
}
