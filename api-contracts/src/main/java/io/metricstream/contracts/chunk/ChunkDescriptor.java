package io.metricstream.contracts.chunk;

/**
 * Layout of one chunk (docs/format/chunk.md): a bit stream, most significant bit first.
 * <pre>
 *   8 bits   encoding          1 XOR, 2 DECIMAL_DELTA, 3 DECIMAL_DOD
 *   16 bits  sampleCount       1 ..= 65,535
 *   64 bits  first timestamp   (ms, two's complement)
 *   FOR      sampleCount-1 timestamp deltas
 *   values:
 *     XOR            64 bits first value bits, then Gorilla XOR per sample ('0' | '10' bits | '11' 5+6 bits)
 *     DECIMAL_DELTA  4 bits k, varbits zz(s0), FOR of sampleCount-1 deltas of s = value * 10^k
 *     DECIMAL_DOD    4 bits k, varbits zz(s0), varbits zz(s1-s0), FOR of sampleCount-2 delta-of-deltas
 *   FOR block (frame of reference): 7 bits width w, varbits zz(min), then per value w bits of (v - min);
 *     the all-ones code is an escape followed by 64 raw bits of (v - min); w = 0 means every value == min.
 *   varbits: 7 bits length L (0..64), then L bits.
 * </pre>
 * A DECIMAL chunk is chosen only when every value decodes bit-exactly as {@code s / 10^k}; NaN payloads, the stale
 * marker, ±Inf and -0.0 force XOR, so every chunk round-trips raw bits.
 */
public final class ChunkDescriptor {
    /** XOR of float bits (Gorilla). */
    public static final int ENCODING_XOR = 1;
    /** Scaled decimal integers, frame-of-reference deltas. */
    public static final int ENCODING_DECIMAL_DELTA = 2;
    /** Scaled decimal integers, frame-of-reference delta-of-deltas. */
    public static final int ENCODING_DECIMAL_DOD = 3;
    /** Largest sample count of one chunk. */
    public static final int MAX_SAMPLES = 0xFFFF;
    /** Largest number of fractional digits a DECIMAL chunk scales by. */
    public static final int MAX_DECIMAL_DIGITS = 15;
    /** Largest magnitude of a scaled decimal (doubles are exact integers up to 2^53). */
    public static final long MAX_SCALED = 1L << 53;
    /** Exact powers of ten as doubles. */
    static final double[] POW10 = new double[MAX_DECIMAL_DIGITS + 1];

    static {
        double p = 1;
        for (int i = 0; i <= MAX_DECIMAL_DIGITS; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private ChunkDescriptor() {
    }

    /** Zig-zag encodes a signed value. */
    public static long zigzag(final long v) {
        return (v << 1) ^ (v >> 63);
    }

    /** Reverses {@link #zigzag}. */
    public static long unzigzag(final long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /** The decimal a DECIMAL chunk decodes for scaled value {@code s} with {@code k} digits. */
    public static double decimal(final long s, final int k) {
        return s / POW10[k];
    }
}
