package io.metricstream.contracts.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.testsupport.AllocationAssert;
import io.metricstream.testsupport.Seeds;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkWriterTest {
    private static final long[] SPECIAL_BITS = {
        StaleMarker.BITS, Double.doubleToRawLongBits(Double.NaN), 0x7ff8000000000123L, 0xfff0000000000001L,
        Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
        Double.doubleToRawLongBits(-0.0), 0L, Double.doubleToRawLongBits(Double.MIN_VALUE),
        Double.doubleToRawLongBits(Double.MAX_VALUE), Double.doubleToRawLongBits(0.1 + 0.2),
    };

    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final ChunkReader reader = new ChunkReader();
    private final BitWriter out = new BitWriter(64);

    private int roundTrip(final long[] ts, final long[] bits, final int n) {
        out.reset();
        final int encoding = writer.encode(ts, bits, n, out);
        reader.reset(out.toByteArray(), "test");
        assertEquals(n, reader.count());
        for (int i = 0; i < n; i++) {
            assertTrue(reader.next());
            assertEquals(ts[i], reader.timestampMs(), "timestamp " + i);
            assertEquals(bits[i], Double.doubleToRawLongBits(reader.value()), "value bits " + i);
        }
        assertFalse(reader.next());
        return encoding;
    }

    @Test
    void shouldRoundTripRawBitsWhenValuesAreRandomSeries() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int iter = 0; iter < 3000; iter++) {
            final int n = 1 + rnd.nextInt(iter % 10 == 0 ? 2000 : 240);
            final long[] ts = new long[n];
            final long[] bits = new long[n];
            long t = rnd.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            final int kind = rnd.nextInt(7);
            long cents = rnd.nextLong(-100_000, 100_000);
            long counter = rnd.nextLong(1L << 40);
            for (int i = 0; i < n; i++) {
                ts[i] = t;
                t += switch (rnd.nextInt(4)) {
                    case 0 -> 15_000;
                    case 1 -> 1 + rnd.nextInt(5);
                    case 2 -> 15_000 + rnd.nextInt(-50, 50);
                    default -> rnd.nextInt(100) == 0 ? rnd.nextLong(1, 1L << 50) : 15_000;
                };
                cents += rnd.nextInt(-300, 301);
                counter += rnd.nextInt(5000);
                bits[i] = switch (kind) {
                    case 0 -> Double.doubleToRawLongBits(cents / 100.0);
                    case 1 -> Double.doubleToRawLongBits((double) counter);
                    case 2 -> Double.doubleToRawLongBits(rnd.nextDouble() * 1e6);
                    case 3 -> SPECIAL_BITS[rnd.nextInt(SPECIAL_BITS.length)];
                    case 4 -> rnd.nextInt(10) == 0 ? SPECIAL_BITS[rnd.nextInt(SPECIAL_BITS.length)]
                        : Double.doubleToRawLongBits(cents / 100.0);
                    case 5 -> Double.doubleToRawLongBits(42.0);
                    default -> rnd.nextLong();
                };
            }
            roundTrip(ts, bits, n);
        }
    }

    @Test
    void shouldChooseDecimalWhenEveryValueHasTwoDecimals() {
        final long[] ts = new long[240];
        final long[] bits = new long[240];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_704_067_200_000L + i * 15_000L;
            bits[i] = Double.doubleToRawLongBits((5000 + (i * 37 % 300) - 150) / 100.0);
        }
        final int encoding = roundTrip(ts, bits, ts.length);
        assertTrue(encoding == ChunkDescriptor.ENCODING_DECIMAL_DELTA
            || encoding == ChunkDescriptor.ENCODING_DECIMAL_DOD, "encoding " + encoding);
        assertTrue(out.byteLength() < 240 * 2, "bytes " + out.byteLength());
    }

    @Test
    void shouldUseXorWhenChunkHoldsNegativeZeroOrStaleMarker() {
        final long[] ts = {-30_000, -15_000, 0, 15_000};
        f(ts, new long[] {Double.doubleToRawLongBits(1.5), Double.doubleToRawLongBits(-0.0),
            Double.doubleToRawLongBits(2.25), Double.doubleToRawLongBits(3)});
        f(ts, new long[] {Double.doubleToRawLongBits(1.5), StaleMarker.BITS, Double.doubleToRawLongBits(2.25),
            Double.doubleToRawLongBits(3)});
        f(ts, new long[] {Double.doubleToRawLongBits(1.5), Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
            Double.doubleToRawLongBits(2.25), 0x7ff8000000000abcL});
    }

    private void f(final long[] ts, final long[] bits) {
        assertEquals(ChunkDescriptor.ENCODING_XOR, roundTrip(ts, bits, ts.length));
    }

    @Test
    void shouldLandOnFirstSampleAtOrAfterTimestampWhenSeeking() {
        final long[] ts = {10, 20, 30, 40};
        final long[] bits = {1, 2, 3, 4};
        out.reset();
        writer.encode(ts, bits, 4, out);
        reader.reset(out.toByteArray(), "t");
        assertTrue(reader.seek(25));
        assertEquals(30, reader.timestampMs());
        assertTrue(reader.seek(30));
        assertEquals(30, reader.timestampMs());
        assertTrue(reader.next());
        assertEquals(40, reader.timestampMs());
        assertFalse(reader.seek(41));
    }

    @Test
    void shouldThrowTypedErrorWithOffsetWhenChunkBytesAreCorrupt() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final long[] ts = new long[200];
        final long[] bits = new long[200];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i * 1000L + rnd.nextInt(10);
            bits[i] = rnd.nextBoolean() ? Double.doubleToRawLongBits(i / 100.0) : rnd.nextLong();
        }
        out.reset();
        writer.encode(ts, bits, ts.length, out);
        final byte[] good = out.toByteArray();
        for (int iter = 0; iter < 20_000; iter++) {
            final byte[] bad = java.util.Arrays.copyOf(good, rnd.nextInt(2) == 0 ? good.length
                : rnd.nextInt(good.length));
            for (int j = rnd.nextInt(4); j >= 0 && bad.length > 0; j--) {
                bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
            }
            try {
                reader.reset(bad, "fuzz.chunks");
            } catch (final ChunkCorruptException e) {
                assertEquals("fuzz.chunks", e.source());
                assertTrue(e.offset() >= 0 && e.offset() <= bad.length, "offset " + e.offset());
            }
        }
        assertThrows(ChunkCorruptException.class, () -> reader.reset(new byte[] {9, 0, 1}, "x"));
    }

    @Test
    void shouldGrowToMaxSamplesWhenAppendingAndRejectOneMore() {
        final ChunkWriter w = new ChunkWriter(1000);
        for (int i = 0; i < 1000; i++) {
            w.append(i * 15_000L, i / 4.0);
        }
        assertThrows(IllegalStateException.class, () -> w.append(1L << 40, 1));
        final BitWriter out = new BitWriter(64);
        w.encode(out);
        final ChunkReader r = new ChunkReader().reset(out.toByteArray(), "grown");
        assertEquals(1000, r.count());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i * 15_000L, r.timestampAt(i));
            assertEquals(Double.doubleToRawLongBits(i / 4.0), r.valueBitsAt(i));
        }
    }

    @Test
    void shouldAllocateNothingWhenAppending() {
        final ChunkWriter w = new ChunkWriter(240);
        final long[] t = {0};
        AllocationAssert.assertAllocatesAtMost(0.01, () -> {
            if (w.count() == 240) {
                w.reset();
            }
            w.append(t[0] += 15_000, t[0] / 100.0);
        });
    }

    @Test
    void shouldWriteSameBytesAsPreviousWriterWhenSeriesAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final LegacyChunkWriter legacy = new LegacyChunkWriter(ChunkDescriptor.MAX_SAMPLES);
        final LegacyBitWriter legacyOut = new LegacyBitWriter(64);
        for (int iter = 0; iter < 4000; iter++) {
            final int n = 1 + rnd.nextInt(iter % 20 == 0 ? 5000 : iter % 3 == 0 ? 4 : 240);
            final long[] ts = new long[n];
            final long[] bits = new long[n];
            fillSeries(rnd, ts, bits);
            out.reset();
            legacyOut.reset();
            // an unaligned start, as when chunks follow other fields in one writer
            final int prefix = rnd.nextInt(3) == 0 ? rnd.nextInt(1, 64) : 0;
            final long prefixBits = rnd.nextLong();
            out.writeBits(prefixBits, prefix);
            legacyOut.writeBits(prefixBits, prefix);
            final int encoding = writer.encode(ts, bits, n, out);
            assertEquals(legacy.encode(ts, bits, n, legacyOut), encoding, "encoding, iteration " + iter);
            assertEquals(legacyOut.bitLength(), out.bitLength(), "bit length, iteration " + iter);
            assertArrayEquals(legacyOut.toByteArray(), out.toByteArray(),
                "bytes, iteration " + iter + " n=" + n + " encoding=" + encoding);
            if (prefix == 0) {
                roundTrip(ts, bits, n);
            }
        }
    }

    /**
     * The width search stops at the largest offset's length + 1 and XOR's length is counted only up to the best
     * decimal candidate (session 5): offsets that are all ones at their length (escaped, so the next width can win),
     * one writer reused from wide blocks to narrow ones (no stale histogram counts), and chunks of 1-3 samples with
     * large scaled values, where XOR and the decimal encodings are within a few bits of each other.
     */
    @Test
    void shouldWriteSameBytesAsPreviousWriterWhenOffsetsAreAllOnesOrCandidatesNearlyTie() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final LegacyChunkWriter legacy = new LegacyChunkWriter(ChunkDescriptor.MAX_SAMPLES);
        final LegacyBitWriter legacyOut = new LegacyBitWriter(64);
        for (int iter = 0; iter < 3000; iter++) {
            final boolean tiny = iter % 2 == 0;
            final int n = tiny ? 1 + rnd.nextInt(3) : 2 + rnd.nextInt(300);
            final long[] ts = new long[n];
            final long[] bits = new long[n];
            // wide first, then narrower, within each run of 20 chunks
            final int w = Math.max(1, 62 - (iter % 20) * 3 - rnd.nextInt(3));
            final long ones = (1L << w) - 1;
            final long share = rnd.nextInt(5);
            long t = rnd.nextLong(-1L << 40, 1L << 40);
            long scaledValue = tiny ? rnd.nextLong(-ChunkDescriptor.MAX_SCALED, ChunkDescriptor.MAX_SCALED + 1)
                : rnd.nextLong(-1_000_000, 1_000_000);
            final int digits = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                ts[i] = t;
                t += 15_000 + (rnd.nextInt(5) < share ? Math.min(ones, 1L << 40) : 0);
                bits[i] = Double.doubleToRawLongBits(scaledValue / Math.pow(10, digits));
                if (!tiny) {
                    scaledValue += 7 + (rnd.nextInt(5) < share ? Math.min(ones, 1L << 30) : 0);
                }
            }
            out.reset();
            legacyOut.reset();
            final int encoding = writer.encode(ts, bits, n, out);
            assertEquals(legacy.encode(ts, bits, n, legacyOut), encoding, "encoding, iteration " + iter);
            assertArrayEquals(legacyOut.toByteArray(), out.toByteArray(),
                "bytes, iteration " + iter + " n=" + n + " encoding=" + encoding);
            assertEquals(legacyOut.bitLength(), out.bitLength(), "bit length, iteration " + iter);
        }
    }

    /** Series that reach every encoding and every frame-of-reference width, escapes and the decimal limits. */
    private static void fillSeries(final SplittableRandom rnd, final long[] ts, final long[] bits) {
        final int n = ts.length;
        long t = rnd.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
        final int kind = rnd.nextInt(10);
        final int digits = rnd.nextInt(ChunkDescriptor.MAX_DECIMAL_DIGITS + 1);
        final double scale = Math.pow(10, digits);
        long scaledValue = rnd.nextLong(-1_000_000, 1_000_000);
        long step = rnd.nextInt(1000);
        long counter = rnd.nextLong(1L << 40);
        for (int i = 0; i < n; i++) {
            ts[i] = t;
            t += switch (rnd.nextInt(5)) {
                case 0 -> 15_000;
                case 1 -> 1 + rnd.nextInt(5);
                case 2 -> 15_000 + rnd.nextInt(-50, 50);
                case 3 -> rnd.nextInt(200) == 0 ? rnd.nextLong(1, 1L << 55) : 1;
                default -> rnd.nextInt(100) == 0 ? rnd.nextLong(1, 1L << 50) : 15_000;
            };
            step += rnd.nextInt(8) == 0 ? rnd.nextInt(-3, 4) : 0;
            scaledValue += step + (rnd.nextInt(30) == 0 ? rnd.nextLong(-1L << 40, 1L << 40) : 0);
            counter += rnd.nextInt(5000);
            bits[i] = switch (kind) {
                case 0 -> Double.doubleToRawLongBits(scaledValue / scale);
                case 1 -> Double.doubleToRawLongBits((double) counter);
                case 2 -> Double.doubleToRawLongBits(rnd.nextDouble() * 1e6);
                case 3 -> SPECIAL_BITS[rnd.nextInt(SPECIAL_BITS.length)];
                case 4 -> rnd.nextInt(10) == 0 ? SPECIAL_BITS[rnd.nextInt(SPECIAL_BITS.length)]
                    : Double.doubleToRawLongBits(scaledValue / 100.0);
                case 5 -> Double.doubleToRawLongBits(42.0);
                case 6 -> Double.doubleToRawLongBits((double) (ChunkDescriptor.MAX_SCALED - rnd.nextInt(3))
                    * (rnd.nextBoolean() ? 1 : -1));
                case 7 -> Double.doubleToRawLongBits(rnd.nextInt(1000) / Math.pow(10, rnd.nextInt(16)));
                case 8 -> Double.doubleToRawLongBits(i * 0.1 + (rnd.nextInt(50) == 0 ? 1e-9 : 0));
                default -> rnd.nextLong();
            };
        }
    }
}
