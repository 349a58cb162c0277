package io.metricstream.ingestion.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.metricstream.testsupport.Seeds;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link StagedSamples#copySamplePairs} writes what per-sample big-endian writes of (ts, bits) write. */
class StagedSamplesPairsTest {
    @Test
    void shouldCopyWhatPerSampleWritesWouldWhenCopyingARun() {
        final long seed = Seeds.seed();
        System.out.println("StagedSamplesPairsTest seed " + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            final int n = 1 + rnd.nextInt(300);
            final StagedSamples s = StagedContent.staging(4, n);
            s.keys().writeZero(3);
            s.endSeries(0);
            for (int i = 0; i < n; i++) {
                s.addSample(rnd.nextLong(), rnd.nextLong());
            }
            final int from = rnd.nextInt(n);
            final int count = rnd.nextInt(n - from + 1);
            final int dstAt = rnd.nextInt(5);
            final ByteBuffer want = ByteBuffer.allocate(dstAt + count * StagedSamples.SAMPLE_PAIR_BYTES + 3);
            want.position(dstAt);
            for (int i = from; i < from + count; i++) {
                want.putLong(s.timestampMs(i)).putLong(s.valueBits(i));
            }
            final byte[] got = new byte[want.capacity()];
            s.copySamplePairs(from, count, got, dstAt);
            assertArrayEquals(want.array(), got, "seed " + seed + " round " + round);
            s.release();
        }
    }
}
