package io.metricstream.contracts.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.testsupport.Seeds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The word-at-a-time decoder on the three encodings: chunks read from inside larger (direct) buffers, every
 * truncation rejected with a typed error, and frame-of-reference escapes and 64-bit widths decoded exactly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkReaderTest {
    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final ChunkReader reader = new ChunkReader();
    private final BitWriter out = new BitWriter(64);

    private final java.util.Set<Integer> encodings = new java.util.TreeSet<>();

    private byte[] encode(final long[] ts, final long[] bits) {
        out.reset();
        encodings.add(writer.encode(ts, bits, ts.length, out));
        return out.toByteArray();
    }

    private static long[][] series(final SplittableRandom rnd, final int n, final int kind) {
        final long[] ts = new long[n];
        final long[] bits = new long[n];
        long t = rnd.nextLong(-1L << 50, 1L << 50);
        long cents = rnd.nextLong(-1_000_000, 1_000_000);
        long step = rnd.nextLong(-50, 50);
        for (int i = 0; i < n; i++) {
            ts[i] = t;
            t += rnd.nextInt(30) == 0 ? rnd.nextLong(1, 1L << 60 >>> 4) : 15_000 + rnd.nextInt(3);
            step += rnd.nextInt(40) == 0 ? rnd.nextLong(-1L << 40, 1L << 40) : rnd.nextInt(-2, 3);
            cents += step;
            bits[i] = switch (kind) {
                case 0 -> Double.doubleToRawLongBits(cents / 100.0);
                case 1 -> i % 17 == 0 ? StaleMarker.BITS : Double.doubleToRawLongBits(rnd.nextDouble());
                default -> rnd.nextLong();
            };
        }
        return new long[][] {ts, bits};
    }

    @Test
    void shouldDecodeExactlyWhenChunkSitsInsideLargerDirectBuffer() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int iter = 0; iter < 500; iter++) {
            final long[][] s = series(rnd, 1 + rnd.nextInt(400), rnd.nextInt(3));
            out.reset();
            writer.encode(s[0], s[1], s[0].length, out);
            final byte[] chunk = out.toByteArray();
            final int at = rnd.nextInt(64);
            final ByteBuffer direct = ByteBuffer.allocateDirect(at + chunk.length + rnd.nextInt(3));
            for (int i = 0; i < direct.capacity(); i++) {
                direct.put(i, (byte) rnd.nextInt(256));
            }
            direct.put(at, chunk);
            reader.reset(direct, at, chunk.length, "direct", at);
            assertEquals(s[0].length, reader.count(), "seed=" + seed);
            for (int i = 0; i < s[0].length; i++) {
                assertEquals(s[0][i], reader.timestampAt(i), "seed=" + seed + " sample " + i);
                assertEquals(s[1][i], reader.valueBitsAt(i), "seed=" + seed + " sample " + i);
            }
        }
    }

    @Test
    void shouldMatchFullDecodeWhenOnlyValuesHeaderOrAggregatesAreDecoded() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final ChunkReader full = new ChunkReader();
        final double[] nonStale = new double[ChunkDescriptor.MAX_SAMPLES];
        for (int iter = 0; iter < 600; iter++) {
            // kinds 0-2 as in series(); 3 = decimals with NaN, +-Inf, -0.0 and stale markers mixed in (XOR)
            final int kind = rnd.nextInt(4);
            final long[][] s = series(rnd, 1 + rnd.nextInt(400), Math.min(kind, 2));
            if (kind == 3) {
                final long[] special = {StaleMarker.BITS, Double.doubleToRawLongBits(Double.NaN),
                    Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(0.0),
                    Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
                    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)};
                for (int i = 0; i < s[1].length; i++) {
                    s[1][i] = rnd.nextInt(3) == 0 ? special[rnd.nextInt(special.length)]
                        : Double.doubleToRawLongBits(rnd.nextInt(-5, 5) / 4.0);
                }
            }
            final byte[] chunk = encode(s[0], s[1]);
            final ByteBuffer buf = ByteBuffer.wrap(chunk);
            full.reset(chunk, "full");
            int n = 0;
            for (int i = 0; i < full.count(); i++) {
                if (full.valueBitsAt(i) != StaleMarker.BITS) {
                    nonStale[n++] = Double.longBitsToDouble(full.valueBitsAt(i));
                }
            }
            final String why = "seed=" + seed + " iter=" + iter;
            reader.resetHeader(buf, 0, chunk.length, "header", 0);
            assertEquals(full.count(), reader.count(), why);
            assertEquals(full.encoding(), reader.encoding(), why);
            if (!reader.mayHoldStale()) {
                assertEquals(full.count(), n, why);
            }
            reader.resetValues(buf, 0, chunk.length, "values", 0);
            assertEquals(n, reader.valueCount(), why);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(nonStale[i]), Double.doubleToRawLongBits(reader.values()[i]),
                    why + " value " + i);
            }
            reader.resetAggregate(buf, 0, chunk.length, "aggregate", 0);
            assertEquals(n, reader.valueCount(), why);
            if (n > 0) {
                assertBits(WindowFunction.MIN.over(nonStale, 0, n), reader.aggregateMin(), why + " min");
                assertBits(WindowFunction.MAX.over(nonStale, 0, n), reader.aggregateMax(), why + " max");
                assertBits(WindowFunction.LAST.over(nonStale, 0, n), reader.aggregateLast(), why + " last");
            }
            assertEquals(false, reader.next(), why + ": a partial decode leaves the cursor empty");
            final long upTo = s[0][rnd.nextInt(s[0].length)] + rnd.nextInt(-1, 2);
            reader.resetUpTo(buf, 0, chunk.length, "upTo", 0, upTo);
            assertEquals(full.count(), reader.count(), why);
            int prefix = 1;
            while (prefix < full.count() && full.timestampAt(prefix) <= upTo) {
                prefix++;
            }
            assertEquals(prefix, reader.decodedCount(), why + " upTo=" + upTo);
            for (int i = 0; i < prefix; i++) {
                assertEquals(full.timestampAt(i), reader.timestampAt(i), why);
                assertEquals(full.valueBitsAt(i), reader.valueBitsAt(i), why);
            }
        }
    }

    private static void assertBits(final double want, final double got, final String why) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), why + ": want " + want
            + " got " + got);
    }

    @Test
    void shouldThrowTypedErrorWhenChunkIsTruncatedAtAnyByte() {
        final SplittableRandom rnd = new SplittableRandom(42);
        final long[][] xor = series(rnd, 300, 1);
        final long[] walk = new long[300];
        final long[] quadratic = new long[300];
        for (int i = 0; i < walk.length; i++) {
            walk[i] = Double.doubleToRawLongBits(rnd.nextInt(-10_000, 10_000) / 100.0);
            quadratic[i] = Double.doubleToRawLongBits((i * i - 7 * i) / 10.0);
        }
        for (final byte[] chunk : new byte[][] {encode(xor[0], walk), encode(xor[0], xor[1]),
            encode(xor[0], quadratic)}) {
            for (int length = 0; length < chunk.length; length++) {
                final byte[] cut = Arrays.copyOf(chunk, length);
                final ChunkCorruptException e = assertThrows(ChunkCorruptException.class,
                    () -> reader.reset(cut, "cut"), "length " + length);
                assertEquals("cut", e.source());
                final ByteBuffer wrapped = ByteBuffer.wrap(cut);
                assertThrows(ChunkCorruptException.class,
                    () -> reader.resetValues(wrapped, 0, cut.length, "cut", 0), "values, length " + length);
                assertThrows(ChunkCorruptException.class,
                    () -> reader.resetAggregate(wrapped, 0, cut.length, "cut", 0), "aggregate, length " + length);
            }
        }
        assertEquals(java.util.Set.of(ChunkDescriptor.ENCODING_XOR, ChunkDescriptor.ENCODING_DECIMAL_DELTA,
            ChunkDescriptor.ENCODING_DECIMAL_DOD), encodings, "all three encodings truncated");
    }

    @Test
    void shouldDecodeConstantStepsWithoutPerSampleBitsWhenWidthIsZero() {
        final long[] ts = new long[240];
        final long[] bits = new long[240];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_704_067_200_000L + 15_000L * i;
            bits[i] = Double.doubleToRawLongBits(0.5 * i);
        }
        final byte[] chunk = encode(ts, bits);
        reader.reset(chunk, "w0");
        for (int i = 0; i < ts.length; i++) {
            assertEquals(ts[i], reader.timestampAt(i));
            assertEquals(bits[i], reader.valueBitsAt(i));
        }
        assertEquals(true, chunk.length < 40, "constant steps cost no per-sample bits: " + chunk.length + " bytes");
    }
}
