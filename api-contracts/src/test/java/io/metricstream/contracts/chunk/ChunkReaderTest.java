package io.metricstream.contracts.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.contracts.model.StaleMarker;
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
        final long seed = System.nanoTime();
        System.out.println("ChunkReaderTest seed=" + seed);
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
