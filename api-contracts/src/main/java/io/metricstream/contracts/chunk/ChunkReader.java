package io.metricstream.contracts.chunk;

import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DOD;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_XOR;
import static io.metricstream.contracts.chunk.ChunkDescriptor.MAX_DECIMAL_DIGITS;
import static io.metricstream.contracts.chunk.ChunkDescriptor.unzigzag;

import io.metricstream.contracts.model.StaleMarker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
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
 * <p>{@link #decodeInto} is the full decode straight into a caller's arrays (range queries: no copy out of the
 * reader).
 *
 * <p>Hot path: the timestamp and XOR loops are kept per entry point with their per-sample work inlined (one shared
 * loop with a per-sample step, a callback, measured ~40 % slower); the DECIMAL value loop serves all three outputs
 * (value bits, values, scaled integers) with a loop-invariant mode, which ChunkDecodeBench showed costs nothing.
 */
public final class ChunkReader implements SampleCursor {
    // what readDecimal stores per value: the value's bits, the value, or the scaled integer s itself
    private static final int AS_BITS = 0;
    private static final int AS_VALUES = 1;
    private static final int AS_SCALED = 2;
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.BIG_ENDIAN);

    private final BitReader in = new BitReader();
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
    public ChunkReader reset(final ByteBuffer buf, final int at, final int length, final String source,
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
    public ChunkReader resetUpTo(final ByteBuffer buf, final int at, final int length, final String source,
                                 final long sourceOffset, final long maxTimeMs) {
        in.wrap(buf, at, length, source, sourceOffset);
        return decode(maxTimeMs);
    }

    /** Decodes a chunk held in a byte array. */
    public ChunkReader reset(final byte[] chunk, final String source) {
        in.wrap(chunk, 0, chunk.length, source, 0);
        return decode();
    }

    /**
     * Reads only the header of the chunk in {@code length} bytes of {@code buf} at absolute {@code at}:
     * {@link #encoding()} and {@link #count()}. When {@link #mayHoldStale()} is false, every sample is non-stale.
     */
    public ChunkReader resetHeader(final ByteBuffer buf, final int at, final int length, final String source,
                                   final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        header();
        return this;
    }

    /**
     * Decodes only the values of the chunk: {@link #values()}{@code [0, }{@link #valueCount()}{@code )} are its
     * non-stale values in time order (stale markers removed: {@link #count()} minus {@link #valueCount()} of them).
     */
    public ChunkReader resetValues(final ByteBuffer buf, final int at, final int length, final String source,
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
            readDecimal(n, encoding == ENCODING_DECIMAL_DOD, AS_VALUES, null, values, 0);
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
    public ChunkReader resetAggregate(final ByteBuffer buf, final int at, final int length, final String source,
                                      final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        final int n = header();
        skipTimestamps(n);
        if (encoding == ENCODING_XOR) {
            readXor(n);
            aggregateXor(n);
        } else {
            final double scale = readDecimal(n, encoding == ENCODING_DECIMAL_DOD, AS_SCALED, valueBits, null, 0);
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

    private ChunkReader decode() {
        return decode(Long.MAX_VALUE);
    }

    private ChunkReader decode(final long maxTimeMs) {
        final int n = header();
        count = 0;
        final long[] ts = timestamps;
        readTimestamps(n, ts, 0);
        int k = n;
        if (ts[n - 1] > maxTimeMs) {
            // values are decoded only up to the last sample at or before maxTimeMs (at least one)
            k = 1;
            while (k < n && ts[k] <= maxTimeMs) {
                k++;
            }
        }
        if (encoding == ENCODING_XOR) {
            readXor(k);
        } else {
            readDecimal(k, encoding == ENCODING_DECIMAL_DOD, AS_BITS, valueBits, null, 0);
        }
        count = n;
        cursorCount = k;
        return this;
    }

    /**
     * Decodes the whole chunk in {@code chunk} straight into the caller's arrays: its timestamps into
     * {@code ts[at, at + count)} and its values (raw bits kept, stale markers included) into
     * {@code vs[at, at + count)}; returns count. Both arrays must hold {@code at + count} (the count is the
     * big-endian 16 bits at byte 1). Validation and errors are {@link #reset}'s; the cursor is left empty and
     * {@link #timestampAt}/{@link #valueBitsAt} undefined until the next {@link #reset}.
     */
    public int decodeInto(final byte[] chunk, final String source, final long[] ts, final double[] vs,
                          final int at) {
        in.wrap(chunk, 0, chunk.length, source, 0);
        final int n = header();
        if (at < 0 || at + n > ts.length || at + n > vs.length) {
            throw new IllegalArgumentException("arrays too small for " + n + " samples at " + at);
        }
        readTimestamps(n, ts, at);
        if (encoding == ENCODING_XOR) {
            readXor(n);
            final long[] vb = valueBits;
            for (int i = 0; i < n; i++) {
                vs[at + i] = Double.longBitsToDouble(vb[i]);
            }
        } else {
            readDecimal(n, encoding == ENCODING_DECIMAL_DOD, AS_VALUES, null, vs, at);
        }
        cursorCount = 0;
        return n;
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
        final long end = in.bitEnd();
        final long blockAt = in.position();
        if (width > 57 || blockAt + (long) (n - 1) * width > end) {
            // codes that may straddle one 8-byte load, or a truncated block: walked code by code
            final ChunkCorruptException e = skipFor(blockAt, n - 1, width);
            if (e != null) {
                throw e;
            }
            return;
        }
        // only escapes move past the n - 1 codes: one compare per code, no bounds check until one is found
        final byte[] d = in.data();
        final long escape = (1L << width) - 1;
        final int drop = 64 - width;
        long p = blockAt;
        for (int i = 1; i < n; i++) {
            final long u = ((long) LONG_BE.get(d, (int) (p >>> 3)) << (p & 7)) >>> drop;
            p += width;
            if (u == escape) {
                if (p + 64 + (long) (n - 1 - i) * width > end) {
                    throw truncation(blockAt, n - 1, width);
                }
                p += 64;
            }
        }
        in.position(p);
    }

    /**
     * The first timestamp and the FOR block of deltas, prefix-summed in the same pass, into {@code ts[at, at + n)};
     * timestamps must strictly increase.
     */
    private void readTimestamps(final int n, final long[] ts, final int at) {
        ts[at] = in.readBits(64);
        if (n < 2) {
            return;
        }
        final int width = forWidth();
        final long min = unzigzag(in.readVarBits());
        long t = ts[at];
        if (width == 0) {
            // regular scrape interval: no per-sample bits, no per-sample checks (overflow checked once)
            if (min <= 0 || min > Long.MAX_VALUE / (n - 1) || t + min * (n - 1) < t) {
                throw in.corrupt("timestamps not increasing at sample 1");
            }
            for (int i = 1; i < n; i++) {
                t += min;
                ts[at + i] = t;
            }
            return;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        final long blockAt = in.position();
        long p = blockAt;
        if (width <= 57 && p + (long) (n - 1) * width <= end) {
            // as readDecimal's fast loop; any error is re-found from the block's start by forError
            final int drop = 64 - width;
            for (int i = 1; i < n; i++) {
                long u = ((long) LONG_BE.get(d, (int) (p >>> 3)) << (p & 7)) >>> drop;
                p += width;
                if (u == escape) {
                    if (p + 64 + (long) (n - 1 - i) * width > end) {
                        throw forError(blockAt, n - 1, width, min, ts[at]);
                    }
                    u = BitReader.bits(d, p, 64);
                    p += 64;
                }
                final long next = t + min + u;
                if (next <= t) {
                    throw forError(blockAt, n - 1, width, min, ts[at]);
                }
                ts[at + i] = next;
                t = next;
            }
            in.position(p);
            return;
        }
        // wide deltas or a block near the stream's end: one value at a time, every bound checked
        final ChunkCorruptException e = walkFor(blockAt, n, width, min, ts[at], ts, at);
        if (e != null) {
            throw e;
        }
    }

    /**
     * The first error of the FOR block of {@code m} timestamp deltas at bit {@code from} (after first timestamp
     * {@code t0}), walked one value at a time as the block was always checked, so a chunk that is both truncated
     * and out of order reports what it always did. Only called for a block known to hold an error.
     */
    private ChunkCorruptException forError(final long from, final int m, final int width, final long min,
                                           final long t0) {
        final ChunkCorruptException e = walkFor(from, m + 1, width, min, t0, null, 0);
        if (e == null) {
            throw new IllegalStateException("frame-of-reference block at bit " + from + " holds no error");
        }
        return e;
    }

    /**
     * Walks the FOR block of {@code n - 1} timestamp deltas at bit {@code from} (after first timestamp {@code t0})
     * one value at a time, every bound checked: writes the timestamps into {@code ts[at + 1, at + n)} unless
     * {@code ts} is null; returns the first error, or null with the reader positioned after the block.
     */
    private ChunkCorruptException walkFor(final long from, final int n, final int width, final long min,
                                          final long t0, final long[] ts, final int at) {
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = from;
        long t = t0;
        for (int i = 1; i < n; i++) {
            if (p + width > end) {
                return in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            long u = BitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    return in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = BitReader.bits(d, p, 64);
                p += 64;
            }
            final long next = t + min + u;
            if (next <= t) {
                return in.corruptAt(p, "timestamps not increasing at sample " + i);
            }
            if (ts != null) {
                ts[at + i] = next;
            }
            t = next;
        }
        in.position(p);
        return null;
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
                if (p + 1 > end || BitReader.bits(d, p, 1) != 0) {
                    throw in.corruptAt(p, "bit stream ends early in xor sample " + i);
                }
                p++;
                vb[i] = prev;
                continue;
            }
            final int control = (int) BitReader.bits(d, p, 2);
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
                final int header = (int) BitReader.bits(d, p, 11);
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
            prev ^= BitReader.bits(d, p, sig) << (64 - leading - sig);
            p += sig;
            vb[i] = prev;
        }
        in.position(p);
    }

    /**
     * The first n values of a DECIMAL chunk, exactly {@code s / 10^k}: {@link #AS_BITS} as bits into
     * {@code bits[0, n)}, {@link #AS_VALUES} as doubles into {@code out[at, at + n)}, {@link #AS_SCALED} the scaled
     * integers s themselves into {@code bits[0, n)} (the partial decodes fold min/max on them); returns 10^k. One
     * fused loop: the division overlaps the
     * unpacking (a separate conversion pass measured ~1 ns/sample slower). Widths up to 57 take one 8-byte load per
     * value (a value then never straddles it) and no per-value bounds check: the block's bits are checked once,
     * again after each escape; other blocks, and truncated ones, take the value-by-value checked loop.
     */
    private double readDecimal(final int n, final boolean dod, final int as, final long[] bits, final double[] out,
                               final int at) {
        final int k = (int) in.readBits(4);
        if (k > MAX_DECIMAL_DIGITS) {
            throw in.corrupt("bad decimal digits " + k);
        }
        final double scale = ChunkDescriptor.POW10[k];
        long s = unzigzag(in.readVarBits());
        put(as, bits, out, at, 0, s, scale);
        if (n == 1) {
            return scale;
        }
        long delta = 0;
        int from = 1;
        if (dod) {
            delta = unzigzag(in.readVarBits());
            s += delta;
            put(as, bits, out, at, 1, s, scale);
            from = 2;
            if (n == 2) {
                return scale;
            }
        }
        final int width = forWidth();
        final long min = unzigzag(in.readVarBits());
        if (width == 0) {
            // constant delta (or delta-of-delta): no per-sample bits
            for (int i = from; i < n; i++) {
                delta = dod ? delta + min : min;
                s += delta;
                put(as, bits, out, at, i, s, scale);
            }
            return scale;
        }
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        final long blockAt = in.position();
        long p = blockAt;
        int i = from;
        if (width <= 57 && p + (long) (n - from) * width <= end) {
            final int drop = 64 - width;
            for (; i < n; i++) {
                long u = ((long) LONG_BE.get(d, (int) (p >>> 3)) << (p & 7)) >>> drop;
                p += width;
                if (u == escape) {
                    if (p + 64 + (long) (n - 1 - i) * width > end) {
                        throw truncation(blockAt, n - from, width);
                    }
                    u = BitReader.bits(d, p, 64);
                    p += 64;
                }
                delta = dod ? delta + min + u : min + u;
                s += delta;
                put(as, bits, out, at, i, s, scale);
            }
        }
        for (; i < n; i++) {
            if (p + width > end) {
                throw in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            long u = BitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = BitReader.bits(d, p, 64);
                p += 64;
            }
            delta = dod ? delta + min + u : min + u;
            s += delta;
            put(as, bits, out, at, i, s, scale);
        }
        in.position(p);
        return scale;
    }

    /**
     * Value i, exactly {@code s / scale}; for k = 0 that is the conversion alone (dividing by 1.0 is exact, and a
     * long converts to +0.0, never -0.0), with no division.
     */
    private static void put(final int as, final long[] bits, final double[] out, final int at, final int i,
                            final long s, final double scale) {
        if (as == AS_SCALED) {
            bits[i] = s;
            return;
        }
        final double v = scale == 1.0 ? (double) s : s / scale;
        if (as == AS_BITS) {
            bits[i] = Double.doubleToRawLongBits(v);
        } else {
            out[at + i] = v;
        }
    }

    /** Where the FOR block of {@code m} values at bit {@code from} runs past the chunk's end. */
    private ChunkCorruptException truncation(final long from, final int m, final int width) {
        final ChunkCorruptException e = skipFor(from, m, width);
        if (e == null) {
            throw new IllegalStateException("frame-of-reference block at bit " + from + " is not truncated");
        }
        return e;
    }

    /**
     * Walks the FOR block of {@code m} values at bit {@code from} code by code, as it was always checked: moves
     * past it, or returns where it runs past the chunk's end (position unchanged).
     */
    private ChunkCorruptException skipFor(final long from, final int m, final int width) {
        final byte[] d = in.data();
        final long end = in.bitEnd();
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        long p = from;
        for (int i = 0; i < m; i++) {
            if (p + width > end) {
                return in.corruptAt(p, "bit stream ends early in a frame-of-reference block");
            }
            final long u = BitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    return in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                p += 64;
            }
        }
        in.position(p);
        return null;
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
