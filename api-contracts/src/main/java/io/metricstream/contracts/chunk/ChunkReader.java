package io.metricstream.contracts.chunk;

import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DELTA;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_DECIMAL_DOD;
import static io.metricstream.contracts.chunk.ChunkDescriptor.ENCODING_XOR;
import static io.metricstream.contracts.chunk.ChunkDescriptor.MAX_DECIMAL_DIGITS;
import static io.metricstream.contracts.chunk.ChunkDescriptor.unzigzag;

import java.nio.ByteBuffer;

/**
 * Decodes one chunk (layout in {@link ChunkDescriptor}) into reusable arrays and iterates it as a
 * {@link SampleCursor}. A malformed chunk throws {@link ChunkCorruptException} from {@link #reset} with the
 * source and offset; decoding is bounded by the chunk's bytes, so garbage never hangs. Not thread-safe; reuse one
 * per query thread.
 */
public final class ChunkReader implements SampleCursor {
    private final BitReader in = new BitReader();
    private long[] timestamps = new long[256];
    private long[] valueBits = new long[256];
    private int count;
    private int encoding;
    private int position = -1;

    /** Decodes the chunk in {@code length} bytes of {@code buf} at absolute {@code at}. */
    public ChunkReader reset(final ByteBuffer buf, final int at, final int length, final String source,
                             final long sourceOffset) {
        in.wrap(buf, at, length, source, sourceOffset);
        return decode();
    }

    /** Decodes a chunk held in a byte array. */
    public ChunkReader reset(final byte[] chunk, final String source) {
        in.wrap(chunk, 0, chunk.length, source, 0);
        return decode();
    }

    private ChunkReader decode() {
        count = 0;
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
        }
        timestamps[0] = in.readBits(64);
        readTimestamps(n);
        switch (encoding) {
            case ENCODING_XOR -> readXor(n);
            case ENCODING_DECIMAL_DELTA -> readDecimal(n, false);
            default -> readDecimal(n, true);
        }
        count = n;
        this.encoding = encoding;
        return this;
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
            long u = BitReader.bits(d, p, width);
            p += width;
            if (u == escape) {
                if (p + 64 > end) {
                    throw in.corruptAt(p, "bit stream ends early in a frame-of-reference escape");
                }
                u = BitReader.bits(d, p, 64);
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
            vb[i] = Double.doubleToRawLongBits(s / scale);
        }
        in.position(p);
    }

    /** Encoding of the chunk last decoded ({@link ChunkDescriptor#ENCODING_XOR} ...). */
    public int encoding() {
        return encoding;
    }

    /** Samples in the chunk. */
    public int count() {
        return count;
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
        if (position + 1 >= count) {
            position = count;
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
        if (position >= count) {
            return false;
        }
        if (timestamps[position] >= tsMs) {
            return true;
        }
        int lo = position;
        int hi = count - 1;
        if (timestamps[hi] < tsMs) {
            position = count;
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
