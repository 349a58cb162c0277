package io.metricstream.contracts.chunk;

import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DELTA;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DOD;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_XOR;
import static io.metricstream.contracts.chunk.ChunkDescriptor.MAX_DECIMAL_DIGITS;
import static io.metricstream.contracts.chunk.ChunkDescriptor.unzigzag;

import io.metricstream.contracts.model.StaleMarker;
import java.nio.ByteBuffer;

/**
 * The chunk reader as it was before the session-6 decode work, kept as the reference the current one must match
 * bit for bit (values, timestamps, exceptions and their messages).
 * Decodes one chunk (layout in {@link ChunkDescriptor}) into reusable arrays and iterates it as a
 * {@link SampleCursor}. A malformed chunk throws {@link ChunkCorruptException} from {@link #reset} with the
 * source and offset; decoding is bounded by the chunk's bytes, so garbage never hangs. Not thread-safe; reuse one
 * per query thread.
 *
 * <p>Besides the full decode ({@link #reset}), three partial decodes serve aggregates over chunks a window holds
 * whole: {@link #resetHeader} (encoding and sample count only: a DECIMAL chunk never holds a stale marker, so its
 * non-stale count is the header's), {@link #resetValues} (the non-stale values as doubles, timestamps skipped) and
 * {@link #resetAggregate} (count, min, max and last of the non-stale values, computed on the scaled integers for
 * DECIMAL chunks). The partial decodes skip the timestamp block (bounds-checked, not validated) and leave the
 * cursor empty and {@link #timestampAt}/{@link #valueBitsAt} undefined until the next {@link #reset}.
 *
 * <p>Hot path: each entry point keeps its own copy of the frame-of-reference loop with its per-sample work inlined;
 * one shared loop with a per-sample step measured ~40 % slower.
 */
public final class LegacyChunkReader implements SampleCursor {
    /** What {@link #readScaled} stores per sample. */
    private static final int AS_VALUES = 1;
    private static final int AS_SCALED = 2;

    private final LegacyBitReader in = new LegacyBitReader();
    private long[] timestamps = new long[256];
    private long[] valueBits = new long[256];
    private double[] values = new double[256];
    private int count;
    private int encoding;
    private int position = -1;
    // samples the cursor walks: count after a full decode, 0 after a partial one
    private int cursorCount;
    // results of resetValues / resetAggregate
    private int valueCount;
    private double aggregateMin;
    private double aggregateMax;
    private double aggregateLast;

    /** Decodes the chunk in {@code length} bytes of {@code buf} at absolute {@code at}. */
    public LegacyChunkReader reset(final ByteBuffer buf, final int at, final int length, final String source,
                             final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        return decode();
    }

    /**
     * Decodes the chunk's timestamps and only the values of its samples at or before {@code maxTimeMs} (at least
     * the first): {@link #count()} is every sample, {@link #decodedCount()} the prefix whose timestamps and values
     * are valid and which the cursor walks. Bits after that prefix are not checked. For a window that ends just
     * inside a chunk (an hour-aligned window taking the next chunk's first sample).
     */
    public LegacyChunkReader resetUpTo(final ByteBuffer buf, final int at, final int length, final String source,
                                 final long sourceOffset, final long maxTimeMs) {
        in.wrap(buf, at, length, source, sourceOffset);
        return decode(maxTimeMs);
    }

    /** Decodes a chunk held in a byte array. */
    public LegacyChunkReader reset(final byte[] chunk, final String source) {
        in.wrap(chunk, 0, chunk.length, source, 0);
        return decode();
    }

    /**
     * Reads only the header of the chunk in {@code length} bytes of {@code buf} at absolute {@code at}:
     * {@link #encoding()} and {@link #count()}. When {@link #mayHoldStale()} is false, every sample is non-stale.
     */
    public LegacyChunkReader resetHeader(final ByteBuffer buf, final int at, final int length, final String source,
                                   final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        header();
        return this;
    }

    /**
     * Decodes only the values of the chunk: {@link #values()}{@code [0, }{@link #valueCount()}{@code )} are its
     * non-stale values in time order (stale markers removed: {@link #count()} minus {@link #valueCount()} of them).
     */
    public LegacyChunkReader resetValues(final ByteBuffer buf, final int at, final int length, final String source,
                                   final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        final int n = header();
        skipTimestamps(n);
        if (encoding == ENCODING_XOR) {
            readXor(n);
            final long[] vb = valueBits;
            final double[] out = values;
            int w = 0;
            for (int i = 0; i < n; i++) {
                final long b = vb[i];
                out[w] = Double.longBitsToDouble(b);
                w += b == StaleMarker.BITS ? 0 : 1;
            }
            valueCount = w;
        } else {
            readScaled(n, encoding == ENCODING_DECIMAL_DOD, AS_VALUES);
            valueCount = n;
        }
        return this;
    }

    /**
     * Decodes only what count, min, max and last of the chunk's non-stale values need ({@link #valueCount()},
     * {@link #aggregateMin()}, {@link #aggregateMax()}, {@link #aggregateLast()}), with the rules of
     * {@code WindowFunction.over}: min/max are NaN only when every value is NaN, and of equal values the first wins.
     * DECIMAL chunks are folded on the scaled integers (exact: dividing by a positive power of ten is monotonic and
     * a DECIMAL chunk holds no NaN and no -0.0), with three divisions per chunk instead of one per sample.
     */
    public LegacyChunkReader resetAggregate(final ByteBuffer buf, final int at, final int length, final String source,
                                      final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        final int n = header();
        skipTimestamps(n);
        if (encoding == ENCODING_XOR) {
            readXor(n);
            aggregateXor(n);
        } else {
            final double scale = readScaled(n, encoding == ENCODING_DECIMAL_DOD, AS_SCALED);
            final long[] sv = valueBits;
            long min = sv[0];
            long max = min;
            for (int i = 1; i < n; i++) {
                final long v = sv[i];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            aggregateMin = min / scale;
            aggregateMax = max / scale;
            aggregateLast = sv[n - 1] / scale;
            valueCount = n;
        }
        return this;
    }

    private void aggregateXor(final int n) {
        final long[] vb = valueBits;
        int c = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        double last = Double.NaN;
        for (int i = 0; i < n; i++) {
            final long b = vb[i];
            if (b == StaleMarker.BITS) {
                continue;
            }
            final double v = Double.longBitsToDouble(b);
            if (c == 0) {
                min = v;
                max = v;
            } else {
                min = v < min || Double.isNaN(min) ? v : min;
                max = v > max || Double.isNaN(max) ? v : max;
            }
            last = v;
            c++;
        }
        valueCount = c;
        aggregateMin = min;
        aggregateMax = max;
        aggregateLast = last;
    }

    private LegacyChunkReader decode() {
        return decode(Long.MAX_VALUE);
    }

    private LegacyChunkReader decode(final long maxTimeMs) {
        final int n = header();
        count = 0;
        final long[] ts = timestamps;
        ts[0] = in.readBits(64);
        readTimestamps(n);
        int k = n;
        if (ts[n - 1] > maxTimeMs) {
            // values are decoded only up to the last sample at or before maxTimeMs (at least one)
            k = 1;
            while (k < n && ts[k] <= maxTimeMs) {
                k++;
            }
        }
        switch (encoding) {
            case ENCODING_XOR -> readXor(k);
            case ENCODING_DECIMAL_DELTA -> readDecimal(k, false);
            default -> readDecimal(k, true);
        }
        count = n;
        cursorCount = k;
        return this;
    }

    /** Reads encoding and sample count, sizes the arrays; the cursor is empty until a full decode completes. */
    private int header() {
        count = 0;
        cursorCount = 0;
        valueCount = 0;
        position = -1;
        final int encoding = (int) in.readBits(8);
        if (encoding < ENCODING_XOR || encoding > ENCODING_DECIMAL_DOD) {
            throw in.corrupt("unknown chunk encoding " + encoding);
        }
        final int n = (int) in.readBits(16);
        if (n == 0) {
            throw in.corrupt("chunk with 0 samples");
        }
        if (n > timestamps.length) {
            timestamps = new long[Math.max(n, timestamps.length * 2)];
            valueBits = new long[timestamps.length];
            values = new double[timestamps.length];
        }
        count = n;
        this.encoding = encoding;
        return n;
    }

    /** Moves past the first timestamp and the FOR block of deltas without storing or validating them. */
    private void skipTimestamps(final int n) {
        in.readBits(64);
        if (n < 2) {
            return;
        }
        final int width = forWidth();
        in.readVarBits();
        if (width == 0) {
            return;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = in.position();
        for (int i = 1; i < n; i++) {
            if (p + width > end) {
                throw in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            final long u = LegacyBitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                p += 64;
            }
        }
        in.position(p);
    }

    /** The FOR block of timestamp deltas, prefix-summed in the same pass; timestamps must strictly increase. */
    private void readTimestamps(final int n) {
        if (n < 2) {
            return;
        }
        final long[] ts = timestamps;
        final int width = forWidth();
        final long min = unzigzag(in.readVarBits());
        long t = ts[0];
        if (width == 0) {
            // regular scrape interval: no per-sample bits, no per-sample checks (overflow checked once)
            if (min <= 0 || min > Long.MAX_VALUE / (n - 1) || t + min * (n - 1) < t) {
                throw in.corrupt("timestamps not increasing at sample 1");
            }
            for (int i = 1; i < n; i++) {
                t += min;
                ts[i] = t;
            }
            return;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = in.position();
        for (int i = 1; i < n; i++) {
            if (p + width > end) {
                throw in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            long u = LegacyBitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = LegacyBitReader.bits(d, p, 64);
                p += 64;
            }
            final long next = t + min + u;
            if (next <= t) {
                in.position(p);
                throw in.corrupt("timestamps not increasing at sample " + i);
            }
            ts[i] = next;
            t = next;
        }
        in.position(p);
    }

    private int forWidth() {
        final int width = (int) in.readBits(7);
        if (width > 64) {
            throw in.corrupt("bad frame-of-reference width " + width);
        }
        return width;
    }

    private void readXor(final int n) {
        final long[] vb = valueBits;
        long prev = in.readBits(64);
        vb[0] = prev;
        final byte[] d = in.data();
        final long end = in.bitEnd();
        long p = in.position();
        int leading = 0;
        int sig = 0;
        for (int i = 1; i < n; i++) {
            if (p + 2 > end) {
                // the last sample may be a lone '0' bit at the very end of the stream
                if (p + 1 > end || LegacyBitReader.bits(d, p, 1) != 0) {
                    throw in.corruptAt(p, "bit stream ends early in xor sample " + i);
                }
                p++;
                vb[i] = prev;
                continue;
            }
            final int control = (int) LegacyBitReader.bits(d, p, 2);
            if (control < 2) {
                p++;
                vb[i] = prev;
                continue;
            }
            p += 2;
            if (control == 3) {
                if (p + 11 > end) {
                    throw in.corruptAt(p, "bit stream ends early in xor window");
                }
                final int header = (int) LegacyBitReader.bits(d, p, 11);
                p += 11;
                leading = header >>> 6;
                sig = header & 63;
                if (sig == 0) {
                    sig = 64;
                }
                if (leading + sig > 64) {
                    in.position(p);
                    throw in.corrupt("bad xor window leading=" + leading + " bits=" + sig);
                }
            } else if (sig == 0) {
                in.position(p);
                throw in.corrupt("xor window reused before it was set");
            }
            if (p + sig > end) {
                throw in.corruptAt(p, "bit stream ends early in xor sample " + i);
            }
            prev ^= LegacyBitReader.bits(d, p, sig) << (64 - leading - sig);
            p += sig;
            vb[i] = prev;
        }
        in.position(p);
    }

    /**
     * The full decode's DECIMAL values as bits, a loop of its own (the hot loop of every select) rather than one
     * more mode of {@link #readScaled}.
     */
    private void readDecimal(final int n, final boolean dod) {
        final int k = (int) in.readBits(4);
        if (k > MAX_DECIMAL_DIGITS) {
            throw in.corrupt("bad decimal digits " + k);
        }
        final double scale = ChunkDescriptor.POW10[k];
        final long[] vb = valueBits;
        long s = unzigzag(in.readVarBits());
        vb[0] = Double.doubleToRawLongBits(s / scale);
        if (n == 1) {
            return;
        }
        long delta;
        int from = 1;
        if (dod) {
            delta = unzigzag(in.readVarBits());
            s += delta;
            vb[1] = Double.doubleToRawLongBits(s / scale);
            from = 2;
            if (n == 2) {
                return;
            }
        } else {
            delta = 0;
        }
        final int width = forWidth();
        final long min = unzigzag(in.readVarBits());
        if (width == 0) {
            // constant delta (or delta-of-delta): no per-sample bits
            for (int i = from; i < n; i++) {
                delta = dod ? delta + min : min;
                s += delta;
                vb[i] = Double.doubleToRawLongBits(s / scale);
            }
            return;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = in.position();
        for (int i = from; i < n; i++) {
            if (p + width > end) {
                throw in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            long u = LegacyBitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = LegacyBitReader.bits(d, p, 64);
                p += 64;
            }
            delta = dod ? delta + min + u : min + u;
            s += delta;
            vb[i] = Double.doubleToRawLongBits(s / scale);
        }
        in.position(p);
    }

    /**
     * Decodes the n scaled integers s of a DECIMAL chunk for the partial decodes: {@link #AS_VALUES} the values into
     * {@code values}, {@link #AS_SCALED} s itself into {@code valueBits}; returns 10^k. Converting inside the
     * decode loop lets the division overlap the prefix sum (a second pass cost ~30 % of a values decode).
     */
    private double readScaled(final int n, final boolean dod, final int as) {
        final int k = (int) in.readBits(4);
        if (k > MAX_DECIMAL_DIGITS) {
            throw in.corrupt("bad decimal digits " + k);
        }
        final double scale = ChunkDescriptor.POW10[k];
        final long[] vb = valueBits;
        final double[] out = values;
        long s = unzigzag(in.readVarBits());
        store(vb, out, 0, s, scale, as);
        if (n == 1) {
            return scale;
        }
        long delta;
        int from = 1;
        if (dod) {
            delta = unzigzag(in.readVarBits());
            s += delta;
            store(vb, out, 1, s, scale, as);
            from = 2;
            if (n == 2) {
                return scale;
            }
        } else {
            delta = 0;
        }
        final int width = forWidth();
        final long min = unzigzag(in.readVarBits());
        if (width == 0) {
            // constant delta (or delta-of-delta): no per-sample bits
            for (int i = from; i < n; i++) {
                delta = dod ? delta + min : min;
                s += delta;
                store(vb, out, i, s, scale, as);
            }
            return scale;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = in.position();
        for (int i = from; i < n; i++) {
            if (p + width > end) {
                throw in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            long u = LegacyBitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = LegacyBitReader.bits(d, p, 64);
                p += 64;
            }
            delta = dod ? delta + min + u : min + u;
            s += delta;
            store(vb, out, i, s, scale, as);
        }
        in.position(p);
        return scale;
    }

    private static void store(final long[] bits, final double[] out, final int i, final long s, final double scale,
                              final int as) {
        if (as == AS_VALUES) {
            out[i] = s / scale;
        } else {
            bits[i] = s;
        }
    }

    /** Encoding of the chunk last decoded ({@link ChunkDescriptor#ENCODING_XOR} ...). */
    public int encoding() {
        return encoding;
    }

    /** Samples in the chunk (stale markers included). */
    public int count() {
        return count;
    }

    /** Samples whose timestamps and values are decoded: {@link #count()} except after {@link #resetUpTo}. */
    public int decodedCount() {
        return cursorCount;
    }

    /** Whether the chunk may hold stale markers: only XOR chunks can (see {@link ChunkDescriptor}). */
    public boolean mayHoldStale() {
        return encoding == ENCODING_XOR;
    }

    /** Non-stale values after {@link #resetValues} or {@link #resetAggregate}. */
    public int valueCount() {
        return valueCount;
    }

    /** The non-stale values after {@link #resetValues}, {@code [0, valueCount())}; reused by the next decode. */
    public double[] values() {
        return values;
    }

    /** Smallest non-stale value after {@link #resetAggregate} (NaN when none, or when every value is NaN). */
    public double aggregateMin() {
        return aggregateMin;
    }

    /** Largest non-stale value after {@link #resetAggregate} (NaN when none, or when every value is NaN). */
    public double aggregateMax() {
        return aggregateMax;
    }

    /** Newest non-stale value after {@link #resetAggregate} (NaN when none). */
    public double aggregateLast() {
        return aggregateLast;
    }

    /** Timestamp of sample {@code i}. */
    public long timestampAt(final int i) {
        return timestamps[i];
    }

    /** Raw value bits of sample {@code i}. */
    public long valueBitsAt(final int i) {
        return valueBits[i];
    }

    @Override
    public boolean next() {
        if (position + 1 >= cursorCount) {
            position = cursorCount;
            return false;
        }
        position++;
        return true;
    }

    @Override
    public boolean seek(final long tsMs) {
        if (position < 0) {
            position = 0;
        }
        if (position >= cursorCount) {
            return false;
        }
        if (timestamps[position] >= tsMs) {
            return true;
        }
        int lo = position;
        int hi = cursorCount - 1;
        if (timestamps[hi] < tsMs) {
            position = cursorCount;
            return false;
        }
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < tsMs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        position = lo;
        return true;
    }

    @Override
    public long timestampMs() {
        return timestamps[position];
    }

    @Override
    public double value() {
        return Double.longBitsToDouble(valueBits[position]);
    }
}
