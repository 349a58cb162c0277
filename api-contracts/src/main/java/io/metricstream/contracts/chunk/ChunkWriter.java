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
 * Encodes one chunk (layout in {@link ChunkDescriptor}). Samples are appended in timestamp order into
 * preallocated arrays ({@link #append} allocates nothing once warm); {@link #encode} then picks the smallest of the
 * XOR, DECIMAL_DELTA and DECIMAL_DOD encodings for the whole chunk, losslessly. Not thread-safe; one per writer
 * thread, reused with {@link #reset()}.
 *
 * <p>Design note: deciding the value encoding per chunk needs every value, so the open chunk is kept as raw
 * samples (16 bytes each, at most one open chunk per series) and bit-packed once when cut. The candidates' lengths
 * are computed exactly without writing them and only the smallest is written (writing all three into scratch
 * writers and copying the winner bit by bit was most of the storage ingest thread's encode time).
 */
public final class ChunkWriter {
    // outside the scaled range, so never a scaled value
    private static final long NOT_EXACT = Long.MIN_VALUE;
    // grown on demand (up to maxSamples for appends, to n for encode): a writer made for 65,535-sample chunks
    // that encodes a few hundred samples at a time (a select's re-encoder) does not allocate 2 MiB up front
    private final int maxSamples;
    private long[] timestamps;
    private long[] valueBits;
    private int count;
    private long[] scaled;
    private long[] scratch;
    private long[] deltas;
    private long[] dods;
    // results of the last forLength / bestWidth: minimum, width and payload bits of a frame-of-reference block
    private long forMin;
    private int forWidth;
    private long forCost;
    private long deltaMin;
    private int deltaWidth;
    private long dodMin;
    private int dodWidth;
    private final int[] lengths = new int[65];
    private final int[] allOnes = new int[65];

    /** A writer for chunks of up to {@code maxSamples} samples. */
    public ChunkWriter(final int maxSamples) {
        this.maxSamples = maxSamples;
        final int initial = Math.min(maxSamples, 256);
        this.timestamps = new long[initial];
        this.valueBits = new long[initial];
        this.scaled = new long[initial];
        this.scratch = new long[initial];
        this.deltas = new long[initial];
        this.dods = new long[initial];
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
    public int encode(final BitWriter out) {
        return encode(timestamps, valueBits, count, out);
    }

    /** Encodes {@code n} samples from the given arrays into {@code out}; returns the encoding chosen. */
    public int encode(final long[] ts, final long[] bits, final int n, final BitWriter out) {
        if (n <= 0 || n > ChunkDescriptor.MAX_SAMPLES) {
            throw new IllegalArgumentException("chunk sample count " + n + "; want 1..65535");
        }
        if (scaled.length < n) {
            scaled = new long[Math.max(n, Math.min(ChunkDescriptor.MAX_SAMPLES, scaled.length * 2))];
            scratch = new long[scaled.length];
            deltas = new long[scaled.length];
            dods = new long[scaled.length];
        }
        // each candidate's exact length is computed without writing it; only the smallest is written (ties keep
        // the earlier of XOR, DECIMAL_DELTA, DECIMAL_DOD). The decimal candidates come first: XOR wins only at or
        // under the best of them, so its length is counted only that far (decimal data stops it within a few
        // samples instead of walking the whole chunk)
        long decimalBits = Long.MAX_VALUE;
        int decimalEncoding = ENCODING_XOR;
        final int k = decimalDigits(bits, n);
        if (k >= 0) {
            for (int i = 1; i < n; i++) {
                deltas[i - 1] = scaled[i] - scaled[i - 1];
            }
            decimalBits = 4 + BitWriter.varBitsLength(zigzag(scaled[0])) + forLength(deltas, n - 1);
            decimalEncoding = ENCODING_DECIMAL_DELTA;
            deltaMin = forMin;
            deltaWidth = forWidth;
            if (n > 2) {
                for (int i = 2; i < n; i++) {
                    dods[i - 2] = deltas[i - 1] - deltas[i - 2];
                }
                final long dodBits = 4 + BitWriter.varBitsLength(zigzag(scaled[0]))
                    + BitWriter.varBitsLength(zigzag(deltas[0])) + forLength(dods, n - 2);
                dodMin = forMin;
                dodWidth = forWidth;
                if (dodBits < decimalBits) {
                    decimalBits = dodBits;
                    decimalEncoding = ENCODING_DECIMAL_DOD;
                }
            }
        }
        final int bestEncoding = xorLength(bits, n, decimalBits) <= decimalBits ? ENCODING_XOR : decimalEncoding;
        out.writeBits(bestEncoding, 8);
        out.writeBits(n, 16);
        out.writeBits(ts[0], 64);
        for (int i = 1; i < n; i++) {
            scratch[i - 1] = ts[i] - ts[i - 1];
        }
        writeFor(scratch, n - 1, out);
        switch (bestEncoding) {
            case ENCODING_DECIMAL_DELTA -> {
                out.writeBits(k, 4);
                out.writeVarBits(zigzag(scaled[0]));
                writeFor(deltas, n - 1, deltaMin, deltaWidth, out);
            }
            case ENCODING_DECIMAL_DOD -> {
                out.writeBits(k, 4);
                out.writeVarBits(zigzag(scaled[0]));
                out.writeVarBits(zigzag(deltas[0]));
                writeFor(dods, n - 2, dodMin, dodWidth, out);
            }
            default -> writeXorValues(bits, n, out);
        }
        return bestEncoding;
    }

    /**
     * Fills {@code scaled} and returns the common digit count k (the largest {@link #digitsOf}), or -1 when some
     * value is not a decimal at that k. One pass checks each value at the running k and keeps its scaled value when
     * exact there; a value exact at k has its own smallest k at most k ({@link #scaledAt}), so only the others call
     * {@link #digitsOf}, and only values before the last raise of k (or not exact at their k) are checked again.
     */
    private int decimalDigits(final long[] bits, final int n) {
        int k = 0;
        int recheckTo = 0;
        for (int i = 0; i < n; i++) {
            final long atK = scaledAt(bits[i], k);
            if (atK != NOT_EXACT) {
                scaled[i] = atK;
                continue;
            }
            final int ki = digitsOf(bits[i]);
            if (ki < 0) {
                return -1;
            }
            if (ki > k) {
                k = ki;
                recheckTo = i;
            }
            final long atNewK = scaledAt(bits[i], k);
            if (atNewK != NOT_EXACT) {
                scaled[i] = atNewK;
            } else {
                recheckTo = i + 1;
            }
        }
        for (int i = 0; i < recheckTo; i++) {
            final double v = Double.longBitsToDouble(bits[i]);
            final long s = Math.round(v * POW10[k]);
            if (s > MAX_SCALED || s < -MAX_SCALED || Double.doubleToRawLongBits(s / POW10[k]) != bits[i]) {
                return -1;
            }
            scaled[i] = s;
        }
        return k;
    }

    /**
     * round(value * 10^k) when {@code bits} is exactly that over 10^k within the scaled range, else
     * {@link #NOT_EXACT}. Exact at k implies {@link #digitsOf} is in 0..k: every smaller k scales to a smaller
     * magnitude, so it is in range too, and the search stops at k at the latest.
     */
    private static long scaledAt(final long bits, final int k) {
        final double v = Double.longBitsToDouble(bits);
        if (!(Math.abs(v) < MAX_SCALED)) {
            return NOT_EXACT;
        }
        final long s = Math.round(v * POW10[k]);
        return s <= MAX_SCALED && s >= -MAX_SCALED && Double.doubleToRawLongBits(s / POW10[k]) == bits ? s : NOT_EXACT;
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

    /** Bits {@link #writeXorValues} writes for these values, or some count above {@code limit} once it is over. */
    private static long xorLength(final long[] bits, final int n, final long limit) {
        long length = 64;
        int leading = -1;
        int trailing = 0;
        for (int i = 1; i < n && length <= limit; i++) {
            final long xor = bits[i] ^ bits[i - 1];
            if (xor == 0) {
                length++;
                continue;
            }
            final int lz = Math.min(Long.numberOfLeadingZeros(xor), 31);
            final int tz = Long.numberOfTrailingZeros(xor);
            if (leading >= 0 && lz >= leading && tz >= trailing) {
                length += 2 + 64 - leading - trailing;
            } else {
                length += 2 + 5 + 6 + 64 - lz - tz;
                leading = lz;
                trailing = tz;
            }
        }
        return length;
    }

    private static void writeXorValues(final long[] bits, final int n, final BitWriter out) {
        out.writeBits(bits[0], 64);
        int leading = -1;
        int trailing = 0;
        for (int i = 1; i < n; i++) {
            final long xor = bits[i] ^ bits[i - 1];
            if (xor == 0) {
                out.writeBit(false);
                continue;
            }
            final int lz = Math.min(Long.numberOfLeadingZeros(xor), 31);
            final int tz = Long.numberOfTrailingZeros(xor);
            if (leading >= 0 && lz >= leading && tz >= trailing) {
                // control bits 1, 0 then the meaningful bits in the previous window
                out.writeBits(0b10, 2);
                out.writeBits(xor >>> trailing, 64 - leading - trailing);
            } else {
                // control bits 1, 1, the 5-bit leading zeros and 6-bit length (64 as 0) as one 13-bit field
                final int sig = 64 - lz - tz;
                out.writeBits(0b11L << 11 | (long) lz << 6 | (sig == 64 ? 0 : sig), 13);
                out.writeBits(xor >>> tz, sig);
                leading = lz;
                trailing = tz;
            }
        }
    }

    /**
     * Bits {@link #writeFor} writes for these values; leaves their minimum and the chosen width in {@link #forMin}
     * and {@link #forWidth}.
     */
    private long forLength(final long[] v, final int n) {
        if (n == 0) {
            forMin = 0;
            forWidth = 0;
            return 0;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        forMin = min;
        // every offset 0 (regular timestamps, a flat gauge): width 0 without the histogram
        forWidth = min == max ? 0 : bestWidth(v, n, min, 64 - Long.numberOfLeadingZeros(max - min));
        return 7 + BitWriter.varBitsLength(zigzag(min)) + (forWidth == 0 ? 0 : forCost);
    }

    /** Frame-of-reference block of {@code n} values with an escape for outliers; picks the cheapest width. */
    void writeFor(final long[] v, final int n, final BitWriter out) {
        forLength(v, n);
        writeFor(v, n, forMin, forWidth, out);
    }

    /** The block of {@link #writeFor} given the values' minimum and the width {@link #bestWidth} chose for them. */
    private static void writeFor(final long[] v, final int n, final long min, final int width, final BitWriter out) {
        if (n == 0) {
            return;
        }
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

    /** {@code maxLength}: the bit length of the largest offset (max - min, unsigned), at least 1. */
    private int bestWidth(final long[] v, final int n, final long min, final int maxLength) {
        // histogram of bit lengths, plus how many offsets are all ones at each length (they need the escape too)
        // a width over maxLength + 1 costs more than maxLength + 1 (no offset is longer or all ones there), so only
        // the counts up to there are read
        final int widest = Math.min(64, maxLength + 1);
        Arrays.fill(lengths, 0, widest + 1, 0);
        Arrays.fill(allOnes, 0, widest + 1, 0);
        for (int i = 0; i < n; i++) {
            final long u = v[i] - min;
            final int len = 64 - Long.numberOfLeadingZeros(u);
            lengths[len]++;
            if (u != 0 && (u & (u + 1)) == 0) {
                allOnes[len]++;
            }
        }
        long bestCost = Long.MAX_VALUE;
        int bestWidth = widest;
        int longer = 0;
        for (int w = widest; w >= 1; w--) {
            final long cost = (long) n * w + 64L * (longer + allOnes[w]);
            if (cost <= bestCost) {
                bestCost = cost;
                bestWidth = w;
            }
            longer += lengths[w];
        }
        forCost = bestCost;
        return bestWidth;
    }
}
