package io.metricstream.contracts.chunk;

import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DELTA;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DOD;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_XOR;
import static io.metricstream.contracts.chunk.ChunkDescriptor.MAX_DECIMAL_DIGITS;
import static io.metricstream.contracts.chunk.ChunkDescriptor.MAX_SCALED;
import static io.metricstream.contracts.chunk.ChunkDescriptor.POW10;
import static io.metricstream.contracts.chunk.ChunkDescriptor.zigzag;

import java.util.Arrays;

/**
 * The chunk writer as it was before it wrote only the smallest candidate (session 4), kept as the reference the
 * current one must match byte for byte (chunk bytes on disk are a format).
 * Encodes one chunk (layout in {@link ChunkDescriptor}). Samples are appended in timestamp order into
 * preallocated arrays ({@link #append} allocates nothing once warm); {@link #encode} then picks the smallest of the
 * XOR, DECIMAL_DELTA and DECIMAL_DOD encodings for the whole chunk, losslessly. Not thread-safe; one per writer
 * thread, reused with {@link #reset()}.
 *
 * <p>Design note: deciding the value encoding per chunk needs every value, so the open chunk is kept as raw
 * samples (16 bytes each, at most one open chunk per series) and bit-packed once when cut.
 */
final class LegacyChunkWriter {
    // grown on demand (up to maxSamples for appends, to n for encode): a writer made for 65,535-sample chunks
    // that encodes a few hundred samples at a time (a select's re-encoder) does not allocate 2 MiB up front
    private final int maxSamples;
    private long[] timestamps;
    private long[] valueBits;
    private int count;
    private long[] scaled;
    private long[] scratch;
    private final LegacyBitWriter trial = new LegacyBitWriter(4096);
    private final LegacyBitWriter best = new LegacyBitWriter(4096);
    private final int[] lengths = new int[65];
    private final int[] allOnes = new int[65];

    /** A writer for chunks of up to {@code maxSamples} samples. */
    LegacyChunkWriter(final int maxSamples) {
        this.maxSamples = maxSamples;
        final int initial = Math.min(maxSamples, 256);
        this.timestamps = new long[initial];
        this.valueBits = new long[initial];
        this.scaled = new long[initial];
        this.scratch = new long[initial];
    }

    /** Empties the chunk. */
    public void reset() {
        count = 0;
    }

    /** Samples appended. */
    public int count() {
        return count;
    }

    /** Appends a sample; timestamps must not decrease (the caller orders them). Allocation-free. */
    public void append(final long tsMs, final double value) {
        appendBits(tsMs, Double.doubleToRawLongBits(value));
    }

    /** Appends a sample given its raw value bits. */
    public void appendBits(final long tsMs, final long bits) {
        if (count == timestamps.length) {
            if (count >= maxSamples) {
                throw new IllegalStateException("chunk full: " + count + " samples");
            }
            timestamps = Arrays.copyOf(timestamps, Math.min(maxSamples, count * 2));
            valueBits = Arrays.copyOf(valueBits, timestamps.length);
        }
        timestamps[count] = tsMs;
        valueBits[count] = bits;
        count++;
    }

    /** Encodes the samples appended so far into {@code out} (reset by the caller); returns the encoding. */
    public int encode(final LegacyBitWriter out) {
        return encode(timestamps, valueBits, count, out);
    }

    /** Encodes {@code n} samples from the given arrays into {@code out}; returns the encoding chosen. */
    public int encode(final long[] ts, final long[] bits, final int n, final LegacyBitWriter out) {
        if (n <= 0 || n > ChunkDescriptor.MAX_SAMPLES) {
            throw new IllegalArgumentException("chunk sample count " + n + "; want 1..65535");
        }
        if (scaled.length < n) {
            scaled = new long[Math.max(n, Math.min(ChunkDescriptor.MAX_SAMPLES, scaled.length * 2))];
            scratch = new long[scaled.length];
        }
        best.reset();
        writeXorValues(bits, n, best);
        int bestEncoding = ENCODING_XOR;
        final int k = decimalDigits(bits, n);
        if (k >= 0) {
            trial.reset();
            writeDecimalDelta(n, k, trial);
            if (trial.bitLength() < best.bitLength()) {
                copy(trial, best);
                bestEncoding = ENCODING_DECIMAL_DELTA;
            }
            if (n > 2) {
                trial.reset();
                writeDecimalDod(n, k, trial);
                if (trial.bitLength() < best.bitLength()) {
                    copy(trial, best);
                    bestEncoding = ENCODING_DECIMAL_DOD;
                }
            }
        }
        out.writeBits(bestEncoding, 8);
        out.writeBits(n, 16);
        out.writeBits(ts[0], 64);
        for (int i = 1; i < n; i++) {
            scratch[i - 1] = ts[i] - ts[i - 1];
        }
        writeFor(scratch, n - 1, out);
        final byte[] b = best.array();
        final int whole = best.bitLength() >>> 3;
        for (int i = 0; i < whole; i++) {
            out.writeBits(b[i] & 0xFF, 8);
        }
        final int rest = best.bitLength() & 7;
        if (rest > 0) {
            out.writeBits((b[whole] & 0xFF) >>> (8 - rest), rest);
        }
        return bestEncoding;
    }

    private static void copy(final LegacyBitWriter from, final LegacyBitWriter to) {
        to.reset();
        final byte[] b = from.array();
        final int whole = from.bitLength() >>> 3;
        for (int i = 0; i < whole; i++) {
            to.writeBits(b[i] & 0xFF, 8);
        }
        final int rest = from.bitLength() & 7;
        if (rest > 0) {
            to.writeBits((b[whole] & 0xFF) >>> (8 - rest), rest);
        }
    }

    /** Fills {@code scaled} and returns the common digit count k, or -1 when some value is not a decimal. */
    private int decimalDigits(final long[] bits, final int n) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            final int ki = digitsOf(bits[i]);
            if (ki < 0) {
                return -1;
            }
            k = Math.max(k, ki);
        }
        for (int i = 0; i < n; i++) {
            final double v = Double.longBitsToDouble(bits[i]);
            final long s = Math.round(v * POW10[k]);
            if (s > MAX_SCALED || s < -MAX_SCALED || Double.doubleToRawLongBits(s / POW10[k]) != bits[i]) {
                return -1;
            }
            scaled[i] = s;
        }
        return k;
    }

    /** Smallest k with value == round(value * 10^k) / 10^k bit-exactly, or -1. */
    static int digitsOf(final long bits) {
        final double v = Double.longBitsToDouble(bits);
        if (Double.isNaN(v) || Double.isInfinite(v) || Math.abs(v) >= MAX_SCALED) {
            return -1;
        }
        for (int k = 0; k <= MAX_DECIMAL_DIGITS; k++) {
            final long s = Math.round(v * POW10[k]);
            if (s > MAX_SCALED || s < -MAX_SCALED) {
                return -1;
            }
            if (Double.doubleToRawLongBits(s / POW10[k]) == bits) {
                return k;
            }
        }
        return -1;
    }

    private void writeDecimalDelta(final int n, final int k, final LegacyBitWriter out) {
        out.writeBits(k, 4);
        out.writeVarBits(zigzag(scaled[0]));
        for (int i = 1; i < n; i++) {
            scratch[i - 1] = scaled[i] - scaled[i - 1];
        }
        writeFor(scratch, n - 1, out);
    }

    private void writeDecimalDod(final int n, final int k, final LegacyBitWriter out) {
        out.writeBits(k, 4);
        out.writeVarBits(zigzag(scaled[0]));
        out.writeVarBits(zigzag(scaled[1] - scaled[0]));
        for (int i = 2; i < n; i++) {
            scratch[i - 2] = (scaled[i] - scaled[i - 1]) - (scaled[i - 1] - scaled[i - 2]);
        }
        writeFor(scratch, n - 2, out);
    }

    private static void writeXorValues(final long[] bits, final int n, final LegacyBitWriter out) {
        out.writeBits(bits[0], 64);
        int leading = -1;
        int trailing = 0;
        for (int i = 1; i < n; i++) {
            final long xor = bits[i] ^ bits[i - 1];
            if (xor == 0) {
                out.writeBit(false);
                continue;
            }
            out.writeBit(true);
            int lz = Math.min(Long.numberOfLeadingZeros(xor), 31);
            final int tz = Long.numberOfTrailingZeros(xor);
            if (leading >= 0 && lz >= leading && tz >= trailing) {
                out.writeBit(false);
                out.writeBits(xor >>> trailing, 64 - leading - trailing);
            } else {
                out.writeBit(true);
                final int sig = 64 - lz - tz;
                out.writeBits(lz, 5);
                out.writeBits(sig == 64 ? 0 : sig, 6);
                out.writeBits(xor >>> tz, sig);
                leading = lz;
                trailing = tz;
            }
        }
    }

    /** Frame-of-reference block of {@code n} values with an escape for outliers; picks the cheapest width. */
    void writeFor(final long[] v, final int n, final LegacyBitWriter out) {
        if (n == 0) {
            return;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, v[i]);
        }
        final int width = bestWidth(v, n, min);
        out.writeBits(width, 7);
        out.writeVarBits(zigzag(min));
        if (width == 0) {
            return;
        }
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < n; i++) {
            final long u = v[i] - min;
            if (width < 64 && Long.compareUnsigned(u, escape) >= 0 || u == escape) {
                out.writeBits(escape, width);
                out.writeBits(u, 64);
            } else {
                out.writeBits(u, width);
            }
        }
    }

    private int bestWidth(final long[] v, final int n, final long min) {
        // histogram of bit lengths, plus how many offsets are all ones at each length (they need the escape too)
        Arrays.fill(lengths, 0);
        Arrays.fill(allOnes, 0);
        boolean allZero = true;
        for (int i = 0; i < n; i++) {
            final long u = v[i] - min;
            final int len = 64 - Long.numberOfLeadingZeros(u);
            lengths[len]++;
            if (u != 0) {
                allZero = false;
                if ((u & (u + 1)) == 0) {
                    allOnes[len]++;
                }
            }
        }
        if (allZero) {
            return 0;
        }
        long bestCost = Long.MAX_VALUE;
        int bestWidth = 64;
        int longer = 0;
        for (int w = 64; w >= 1; w--) {
            final long cost = (long) n * w + 64L * (longer + allOnes[w]);
            if (cost <= bestCost) {
                bestCost = cost;
                bestWidth = w;
            }
            longer += lengths[w];
        }
        return bestWidth;
    }
}
