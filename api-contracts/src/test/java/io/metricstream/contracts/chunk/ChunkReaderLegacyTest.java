package io.metricstream.contracts.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.testsupport.Seeds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session-6 decoders ({@link ChunkReader#reset}, {@link ChunkReader#resetUpTo}, {@link ChunkReader#decodeInto}
 * and the partial decodes) against {@link LegacyChunkReader}: the same samples bit for bit, or the same
 * exception with the same message and offset, over chunks the writer makes (every encoding, NaN payloads, stale
 * markers, +-Inf, -0.0, k = 0..15), hand-built bit streams (frame-of-reference widths 0..64 for timestamps and
 * values, escapes, garbage), and those chunks truncated or with bytes flipped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChunkReaderLegacyTest {
    private static final long[] SPECIAL = {StaleMarker.BITS, Double.doubleToRawLongBits(Double.NaN),
        0x7ff0_0000_0000_0001L, 0xfff8_0000_dead_beefL, Double.doubleToRawLongBits(-0.0),
        Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
        Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)};

    private final ChunkReader current = new ChunkReader();
    private final LegacyChunkReader legacy = new LegacyChunkReader();
    private final ChunkWriter writer = new ChunkWriter(ChunkDescriptor.MAX_SAMPLES);
    private final BitWriter out = new BitWriter(64);
    private long[] ts = new long[0];
    private double[] vs = new double[0];

    @Test
    void shouldMatchLegacyReaderOnWrittenChunksTheirTruncationsAndFlippedBytes() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int[] encodings = new int[4];
        for (int iter = 0; iter < 3_000; iter++) {
            final byte[] chunk = written(rnd);
            encodings[chunk[0]]++;
            final String why = "seed=" + seed + " iter=" + iter;
            compare(chunk, rnd, why);
            final byte[] cut = Arrays.copyOf(chunk, rnd.nextInt(chunk.length));
            compare(cut, rnd, why + " cut at " + cut.length);
            final byte[] flipped = chunk.clone();
            for (int f = 0; f <= rnd.nextInt(3); f++) {
                flipped[rnd.nextInt(flipped.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            compare(flipped, rnd, why + " flipped");
        }
        for (int e = 1; e <= 3; e++) {
            assertTrue(encodings[e] > 100, "encoding " + e + " seen " + encodings[e] + " times, seed=" + seed);
        }
    }

    @Test
    void shouldMatchLegacyReaderOnHandBuiltStreamsOfEveryWidth() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        int decoded = 0;
        for (int iter = 0; iter < 20_000; iter++) {
            final byte[] chunk = built(rnd, iter % 65, (iter / 65) % 65);
            final String why = "seed=" + seed + " iter=" + iter;
            decoded += compare(chunk, rnd, why) ? 1 : 0;
            if (chunk.length > 0) {
                compare(Arrays.copyOf(chunk, rnd.nextInt(chunk.length)), rnd, why + " cut");
            }
        }
        // the streams are built to be mostly valid: the success paths are covered, not only the errors
        assertTrue(decoded > 5_000, "only " + decoded + " valid streams, seed=" + seed);
    }

    /** A chunk from the writer: counters, decimals of k digits, XOR with specials, regular or irregular times. */
    private byte[] written(final SplittableRandom rnd) {
        final int n = 1 + (rnd.nextBoolean() ? rnd.nextInt(4) : rnd.nextInt(600));
        final long[] t = new long[n];
        final long[] bits = new long[n];
        final int timeKind = rnd.nextInt(4);
        final int valueKind = rnd.nextInt(5);
        final int k = rnd.nextInt(16);
        long at = rnd.nextLong(-1L << 50, 1L << 50);
        long scaled = rnd.nextLong(-1_000_000, 1_000_000);
        final int spread = 1 + rnd.nextInt(62);
        for (int i = 0; i < n; i++) {
            t[i] = at;
            at += switch (timeKind) {
                case 0 -> 15_000;
                case 1 -> 15_000 + rnd.nextInt(-500, 501);
                case 2 -> rnd.nextInt(50) == 0 ? rnd.nextLong(1, 1L << 40) : 1 + rnd.nextInt(3);
                default -> rnd.nextLong(1, 1L << 44);
            };
            scaled += switch (valueKind) {
                case 0 -> rnd.nextInt(3_000);
                case 1 -> rnd.nextInt(30) == 0 ? rnd.nextLong(-1L << 45, 1L << 45) : rnd.nextInt(-300, 301);
                default -> rnd.nextLong(-(1L << Math.min(spread, 50)), 1L << Math.min(spread, 50));
            };
            scaled = Math.clamp(scaled, -(1L << 53), 1L << 53);
            bits[i] = switch (valueKind) {
                case 0 -> Double.doubleToRawLongBits(scaled);
                case 1, 2 -> Double.doubleToRawLongBits(scaled / ChunkDescriptor.POW10[k]);
                case 3 -> rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)]
                    : Double.doubleToRawLongBits(scaled / ChunkDescriptor.POW10[k]);
                default -> rnd.nextLong();
            };
        }
        out.reset();
        writer.encode(t, bits, n, out);
        return out.toByteArray();
    }

    /**
     * A bit stream in the chunk layout with the timestamp block of width {@code tw} and the value block of width
     * {@code vw}: codes mostly small, some escapes (the all-ones code), sometimes out-of-range fields.
     */
    private byte[] built(final SplittableRandom rnd, final int tw, final int vw) {
        out.reset();
        final int encoding = rnd.nextInt(50) == 0 ? rnd.nextInt(256) : 1 + rnd.nextInt(3);
        final int n = rnd.nextInt(30) == 0 ? rnd.nextInt(3) : 1 + rnd.nextInt(300);
        out.writeBits(encoding, 8);
        out.writeBits(n, 16);
        out.writeBits(rnd.nextLong(-1L << 40, 1L << 40), 64);
        if (n >= 2) {
            // small positive min keeps most timestamp blocks increasing; a rare bad one exercises the check
            forBlock(rnd, n - 1, tw, rnd.nextInt(40) == 0 ? rnd.nextLong(-5, 1) : rnd.nextLong(1, 20_000), false);
        }
        if (encoding == ChunkDescriptor.ENCODING_XOR) {
            out.writeBits(rnd.nextLong(), 64);
            for (int i = 1; i < n; i++) {
                switch (rnd.nextInt(3)) {
                    case 0 -> out.writeBits(0, 1);
                    case 1 -> {
                        out.writeBits(3, 2);
                        final int lead = rnd.nextInt(32);
                        final int sig = 1 + rnd.nextInt(64 - lead);
                        out.writeBits(lead, 5);
                        out.writeBits(sig & 63, 6);
                        out.writeBits(rnd.nextLong(), sig);
                    }
                    default -> out.writeBits(rnd.nextLong(), 2 + rnd.nextInt(12));
                }
            }
        } else {
            out.writeBits(rnd.nextInt(20) == 0 ? rnd.nextInt(16) : rnd.nextInt(16), 4);
            out.writeVarBits(zz(rnd.nextLong(-(1L << 53), 1L << 53)));
            int m = n - 1;
            if (encoding == ChunkDescriptor.ENCODING_DECIMAL_DOD && n >= 2) {
                out.writeVarBits(zz(rnd.nextLong(-1000, 1000)));
                m = n - 2;
            }
            if (m > 0) {
                forBlock(rnd, m, vw, rnd.nextLong(-1000, 1000), true);
            }
        }
        if (rnd.nextInt(10) == 0) {
            out.writeBits(rnd.nextLong(), rnd.nextInt(65));
        }
        return out.toByteArray();
    }

    /** A FOR block; codes of any size when {@code wild} (values), else small enough that timestamps may stay valid. */
    private void forBlock(final SplittableRandom rnd, final int m, final int width, final long min,
                          final boolean wild) {
        out.writeBits(rnd.nextInt(100) == 0 ? 65 + rnd.nextInt(63) : width, 7);
        out.writeVarBits(zz(min));
        if (width == 0) {
            return;
        }
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < m; i++) {
            final int kind = rnd.nextInt(20);
            if (kind == 0) {
                out.writeBits(escape, width);
                out.writeBits(rnd.nextInt(2) == 0 || !wild ? rnd.nextLong(0, 1L << 20) : rnd.nextLong(), 64);
            } else {
                final long u = kind < 15 ? rnd.nextLong(0, 1L << Math.min(width, 14))
                    : wild ? rnd.nextLong() : rnd.nextLong(0, 1L << Math.min(width, 36));
                out.writeBits(u == escape ? 0 : u & escape, width);
            }
        }
    }

    private static long zz(final long v) {
        return (v << 1) ^ (v >> 63);
    }

    /** Decodes {@code chunk} with both readers every way; true when it decoded. */
    private boolean compare(final byte[] chunk, final SplittableRandom rnd, final String why) {
        RuntimeException want = null;
        try {
            legacy.reset(chunk, "src");
        } catch (final ChunkCorruptException e) {
            want = e;
        }
        // reset from a byte array
        RuntimeException got = null;
        try {
            current.reset(chunk, "src");
        } catch (final ChunkCorruptException e) {
            got = e;
        }
        sameOutcome(want, got, why + " reset");
        if (want == null) {
            assertEquals(legacy.count(), current.count(), why);
            assertEquals(legacy.decodedCount(), current.decodedCount(), why);
            for (int i = 0; i < legacy.count(); i++) {
                assertEquals(legacy.timestampAt(i), current.timestampAt(i), why + " ts " + i);
                assertEquals(legacy.valueBitsAt(i), current.valueBitsAt(i), why + " value " + i);
            }
        }
        // decodeInto at an offset
        final int at = rnd.nextInt(5);
        final int need = at + ChunkDescriptor.MAX_SAMPLES;
        if (ts.length < need) {
            ts = new long[need];
            vs = new double[need];
        }
        got = null;
        int count = 0;
        try {
            count = current.decodeInto(chunk, "src", ts, vs, at);
        } catch (final ChunkCorruptException e) {
            got = e;
        }
        sameOutcome(want, got, why + " decodeInto");
        if (want == null) {
            assertEquals(legacy.count(), count, why);
            for (int i = 0; i < count; i++) {
                assertEquals(legacy.timestampAt(i), ts[at + i], why + " decodeInto ts " + i);
                assertEquals(legacy.valueBitsAt(i), Double.doubleToRawLongBits(vs[at + i]),
                    why + " decodeInto value " + i);
            }
        }
        // resetUpTo from inside a larger buffer, up to a time inside the chunk (or anywhere)
        final long maxTime = want == null && rnd.nextBoolean()
            ? legacy.timestampAt(rnd.nextInt(legacy.count())) + rnd.nextLong(-1, 2) : rnd.nextLong();
        final int offset = rnd.nextInt(8);
        final ByteBuffer buf = ByteBuffer.allocate(offset + chunk.length + 3);
        buf.put(offset, chunk);
        RuntimeException wantUpTo = null;
        try {
            legacy.reset(buf, offset, chunk.length, "buf", offset);
        } catch (final ChunkCorruptException e) {
            wantUpTo = e;
        }
        RuntimeException gotUpTo = null;
        try {
            current.reset(buf, offset, chunk.length, "buf", offset);
        } catch (final ChunkCorruptException e) {
            gotUpTo = e;
        }
        sameOutcome(wantUpTo, gotUpTo, why + " reset(ByteBuffer)");
        wantUpTo = null;
        try {
            legacy.resetUpTo(buf, offset, chunk.length, "buf", offset, maxTime);
        } catch (final ChunkCorruptException e) {
            wantUpTo = e;
        }
        gotUpTo = null;
        try {
            current.resetUpTo(buf, offset, chunk.length, "buf", offset, maxTime);
        } catch (final ChunkCorruptException e) {
            gotUpTo = e;
        }
        sameOutcome(wantUpTo, gotUpTo, why + " resetUpTo " + maxTime);
        if (wantUpTo == null) {
            assertEquals(legacy.count(), current.count(), why);
            assertEquals(legacy.decodedCount(), current.decodedCount(), why);
            for (int i = 0; i < legacy.decodedCount(); i++) {
                assertEquals(legacy.timestampAt(i), current.timestampAt(i), why + " upTo ts " + i);
                assertEquals(legacy.valueBitsAt(i), current.valueBitsAt(i), why + " upTo value " + i);
            }
        }
        partials(buf, offset, chunk.length, why);
        return want == null;
    }

    /** The partial decodes (header, values, aggregates) of both readers. */
    private void partials(final ByteBuffer buf, final int at, final int length, final String why) {
        for (int mode = 0; mode < 3; mode++) {
            RuntimeException want = null;
            try {
                switch (mode) {
                    case 0 -> legacy.resetHeader(buf, at, length, "p", at);
                    case 1 -> legacy.resetValues(buf, at, length, "p", at);
                    default -> legacy.resetAggregate(buf, at, length, "p", at);
                }
            } catch (final ChunkCorruptException e) {
                want = e;
            }
            RuntimeException got = null;
            try {
                switch (mode) {
                    case 0 -> current.resetHeader(buf, at, length, "p", at);
                    case 1 -> current.resetValues(buf, at, length, "p", at);
                    default -> current.resetAggregate(buf, at, length, "p", at);
                }
            } catch (final ChunkCorruptException e) {
                got = e;
            }
            final String w = why + " partial mode " + mode + " encoding " + legacy.encoding();
            sameOutcome(want, got, w);
            if (want != null) {
                continue;
            }
            assertEquals(legacy.count(), current.count(), w);
            assertEquals(legacy.encoding(), current.encoding(), w);
            assertEquals(legacy.valueCount(), current.valueCount(), w);
            if (mode == 1) {
                for (int i = 0; i < legacy.valueCount(); i++) {
                    assertEquals(Double.doubleToRawLongBits(legacy.values()[i]),
                        Double.doubleToRawLongBits(current.values()[i]), w + " value " + i);
                }
            } else if (mode == 2) {
                assertEquals(Double.doubleToRawLongBits(legacy.aggregateMin()),
                    Double.doubleToRawLongBits(current.aggregateMin()), w);
                assertEquals(Double.doubleToRawLongBits(legacy.aggregateMax()),
                    Double.doubleToRawLongBits(current.aggregateMax()), w);
                assertEquals(Double.doubleToRawLongBits(legacy.aggregateLast()),
                    Double.doubleToRawLongBits(current.aggregateLast()), w);
            }
        }
    }

    private static void sameOutcome(final RuntimeException want, final RuntimeException got, final String why) {
        if (want == null || got == null) {
            assertEquals(want == null ? "decoded" : want.getMessage(), got == null ? "decoded" : got.getMessage(),
                why);
            return;
        }
        assertEquals(want.getClass(), got.getClass(), why);
        assertEquals(want.getMessage(), got.getMessage(), why);
    }
}
