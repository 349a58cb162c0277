package io.metricstream.query.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RangeDecoding}'s decode-into-place paths against the plain route ({@link SeriesChunks#decode}, then
 * {@link RangeDecoding#fromSamples}): the same samples bit for bit and the same {@code mayReset}, over random series
 * of DECIMAL and XOR chunks (stale markers, NaN, resets), ranges cutting chunks anywhere, overlapping chunks, and
 * scratch arrays reused across series of different sizes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeDecodingTest {
    @Test
    void shouldEqualPlainDecodeWhenChunksAreDecodedIntoTheAnswersArrays() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final ChunkReader reader = new ChunkReader();
        final RangeDecoding.Scratch scratch = new RangeDecoding.Scratch();
        int kept = 0;
        for (int iter = 0; iter < 2_000; iter++) {
            final SeriesChunks s = series(rnd);
            final long first = s.minTimes()[0];
            final long last = s.maxTimes()[s.maxTimes().length - 1];
            final long span = Math.max(1, last - first);
            final long min = rnd.nextInt(4) == 0 ? Long.MIN_VALUE : first + rnd.nextLong(-span / 4, span);
            final long max = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : min + rnd.nextLong(0, span + 1);
            final String why = "seed=" + seed + " iter=" + iter;
            final RangeSeries want = RangeDecoding.fromSamples(s.decode(min, max, reader));
            final RangeSeries got = RangeDecoding.decode(s, min, max, reader, rnd.nextBoolean() ? scratch : null);
            assertEquals(want.size(), got.size(), why);
            assertArrayEquals(Arrays.copyOf(want.timestamps(), want.size()),
                Arrays.copyOf(got.timestamps(), got.size()), why);
            assertArrayEquals(bits(want.values(), want.size()), bits(got.values(), got.size()), why);
            assertEquals(want.mayReset(), got.mayReset(), why);
            kept += got.size();

            final SeriesSamples plain = s.decode(min, max, reader);
            final long[][] mapped = RangeDecoding.decodeSamples(s, min, max, reader, scratch,
                (labels, ts, vs, n) -> new long[][] {Arrays.copyOf(ts, n), bits(vs, n)}).value();
            assertArrayEquals(plain.timestamps(), mapped[0], why + " decodeSamples");
            assertArrayEquals(bits(plain.values(), plain.values().length), mapped[1], why + " decodeSamples");
        }
        assertTrue(kept > 100_000, "only " + kept + " samples compared, seed=" + seed);
    }

    private static long[] bits(final double[] values, final int n) {
        final long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }

    /** 1..6 chunks of a counter, gauge or XOR series; sometimes two chunks overlap in time. */
    private static SeriesChunks series(final SplittableRandom rnd) {
        final int chunks = 1 + rnd.nextInt(6);
        final int kind = rnd.nextInt(4);
        final ChunkWriter writer = new ChunkWriter(400);
        final BitWriter out = new BitWriter(256);
        final List<byte[]> bytes = new ArrayList<>();
        final long[] mins = new long[chunks];
        final long[] maxs = new long[chunks];
        long t = rnd.nextLong(0, 1L << 40);
        long scaled = rnd.nextLong(-1_000, 1_000_000);
        for (int c = 0; c < chunks; c++) {
            if (c > 0 && rnd.nextInt(15) == 0) {
                t -= rnd.nextLong(1, 100_000);
            }
            final int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 300);
            writer.reset();
            for (int i = 0; i < n; i++) {
                scaled += rnd.nextInt(50) == 0 ? -rnd.nextLong(0, 1_000_000) : rnd.nextInt(3_000);
                final long bits = switch (kind) {
                    case 0 -> Double.doubleToRawLongBits(scaled);
                    case 1 -> Double.doubleToRawLongBits(scaled / 100.0);
                    case 2 -> rnd.nextInt(8) == 0 ? StaleMarker.BITS : Double.doubleToRawLongBits(scaled / 100.0);
                    default -> rnd.nextInt(10) == 0 ? Double.doubleToRawLongBits(Double.NaN)
                        : Double.doubleToRawLongBits(rnd.nextInt(-5, 5) / 4.0);
                };
                writer.appendBits(t, bits);
                if (i == 0) {
                    mins[c] = t;
                }
                maxs[c] = t;
                t += rnd.nextInt(3) == 0 ? 15_000 + rnd.nextInt(-500, 501) : 15_000;
            }
            out.reset();
            writer.encode(out);
            bytes.add(out.toByteArray());
        }
        return new SeriesChunks(LabelSet.of("__name__", "m"), mins, maxs, bytes.toArray(new byte[0][]));
    }
}
