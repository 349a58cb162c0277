package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link StagedSamples#rollBack()} makes the staging read as it did at {@link StagedSamples#mark()}, so staging the
 * same thing afterwards gives what a staging that never saw the undone part holds; {@link StagedSamples#reserve}
 * changes no content, makes the room asked for and never more entries than {@code maxSamples}.
 */
class StagedSamplesMarkTest {
    private static final int MAX_SAMPLES = 300;
    private static final byte[][] KEYS = new byte[6][];
    private static final long[] HASHES = new long[KEYS.length];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            final ByteBuf b = Unpooled.buffer();
            SeriesKeyCodec.encode(LabelSet.of("__name__", "m" + i, "k", "v" + i), b);
            KEYS[i] = ByteBufUtil.getBytes(b);
            HASHES[i] = SeriesKeyCodec.hash(b, 0, b.readableBytes());
        }
    }

    @Test
    void shouldReadAsAtMarkWhenRolledBack() {
        final long seed = Seeds.seed();
        System.out.println("StagedSamplesMarkTest seed " + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 1_000; round++) {
            final String where = "seed " + seed + " round " + round;
            final long opsSeed = rnd.nextLong();
            final int before = rnd.nextInt(40);
            final int undone = rnd.nextInt(rnd.nextBoolean() ? 5 : 200);
            final int after = rnd.nextInt(40);
            final StagedSamples want = StagedContent.staging(4, MAX_SAMPLES);
            final StagedSamples got = StagedContent.staging(4, MAX_SAMPLES);
            if (rnd.nextBoolean()) {
                got.reserve(rnd.nextInt(1 << 14), rnd.nextInt(1 << 12));
            }
            final SplittableRandom a = new SplittableRandom(opsSeed);
            final SplittableRandom b = new SplittableRandom(opsSeed);
            stage(a, want, before);
            stage(b, got, before);
            got.mark();
            stage(new SplittableRandom(rnd.nextLong()), got, undone);
            got.rollBack();
            stage(a, want, after);
            stage(b, got, after);
            assertEquals(want.sampleCount(), got.sampleCount(), where);
            assertEquals(want.skippedValues(), got.skippedValues(), where);
            assertEquals(want.stagedBytes(), got.stagedBytes(), where);
            assertArrayEquals(ByteBufUtil.getBytes(want.keys()), ByteBufUtil.getBytes(got.keys()), where);
            assertEquals(StagedContent.rows(want), StagedContent.rows(got), where);
            for (int i = 0; i < want.sampleCount(); i++) {
                assertEquals(want.keyAt(i), got.keyAt(i), where);
            }
            // the ordinals and the order flag came back too: grouping sorts the same
            final int[] counts = new int[8];
            want.groupBySeries(counts);
            got.groupBySeries(counts);
            assertEquals(StagedContent.rows(want), StagedContent.rows(got), where);
            want.release();
            got.release();
        }
    }

    @Test
    void shouldMakeRoomWithinMaxSamplesWhenReserving() {
        final StagedSamples s = StagedContent.staging(4, MAX_SAMPLES);
        s.reserve(1 << 20, 5_000);
        assertTrue(s.keys().writableBytes() >= 5_000);
        assertTrue(s.capacityBytes() >= MAX_SAMPLES * StagedSamples.ENTRY_LENGTH + 5_000);
        assertTrue(s.capacityBytes() < 2 * (MAX_SAMPLES * StagedSamples.ENTRY_LENGTH + 5_000) + 2048,
            "reserved " + s.capacityBytes());
        assertEquals(0, s.stagedBytes());
        s.release();
    }

    /** {@code n} random steps: a new series (built or copied), a series seen before, a sample, a skipped value. */
    private static void stage(final SplittableRandom r, final StagedSamples s, final int n) {
        for (int i = 0; i < n; i++) {
            final int k = r.nextInt(KEYS.length);
            switch (r.nextInt(6)) {
                case 0 -> s.addSeries(KEYS[k], 0, KEYS[k].length, HASHES[k]);
                case 1 -> {
                    final int keyAt = s.keys().writerIndex();
                    s.keys().writeBytes(KEYS[k]);
                    s.endSeries(keyAt);
                }
                case 2 -> {
                    if (s.sampleCount() > 0) {
                        final int j = r.nextInt(s.sampleCount());
                        s.reuseSeries(s.keyAt(j), s.keyLength(j), s.seriesHash(j), s.partition(j), 0);
                    }
                }
                case 3 -> s.skipValue();
                default -> {
                    if (s.keys().writerIndex() > 0) {
                        s.addSample(r.nextLong(), r.nextLong());
                    }
                }
            }
        }
    }
}
