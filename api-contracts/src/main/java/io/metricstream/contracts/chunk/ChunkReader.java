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
        readFor(n - 1, timestamps, 1);
        for (int i = 1; i < n; i++) {
            timestamps[i] += timestamps[i - 1];
            if (timestamps[i] <= timestamps[i - 1]) {
                throw in.corrupt("timestamps not increasing at sample " + i);
            }
        }
        switch (encoding) {
            case ENCODING_XOR -> readXor(n);
            case ENCODING_DECIMAL_DELTA -> readDecimal(n, false);
            default -> readDecimal(n, true);
        }
        count = n;
        this.encoding = encoding;
        return this;
    }

    /** Decodes a chunk held in a byte array. */
    public ChunkReader reset(final byte[] chunk, final String source) {
        return reset(ByteBuffer.wrap(chunk), 0, chunk.length, source, 0);
    }

    private void readXor(final int n) {
        valueBits[0] = in.readBits(64);
        int leading = 0;
        int trailing = 0;
        for (int i = 1; i < n; i++) {
            if (!in.readBit()) {
                valueBits[i] = valueBits[i - 1];
                continue;
            }
            if (in.readBit()) {
                leading = (int) in.readBits(5);
                int sig = (int) in.readBits(6);
                if (sig == 0) {
                    sig = 64;
                }
                if (leading + sig > 64) {
                    throw in.corrupt("bad xor window leading=" + leading + " bits=" + sig);
                }
                trailing = 64 - leading - sig;
            } else if (i == 1) {
                throw in.corrupt("xor window reused before it was set");
            }
            final int sig = 64 - leading - trailing;
            valueBits[i] = valueBits[i - 1] ^ (in.readBits(sig) << trailing);
        }
    }

    private void readDecimal(final int n, final boolean dod) {
        final int k = (int) in.readBits(4);
        if (k > MAX_DECIMAL_DIGITS) {
            throw in.corrupt("bad decimal digits " + k);
        }
        final long s0 = unzigzag(in.readVarBits());
        valueBits[0] = s0;
        if (dod) {
            if (n > 1) {
                valueBits[1] = s0 + unzigzag(in.readVarBits());
            }
            readFor(n - 2, valueBits, 2);
            for (int i = 2; i < n; i++) {
                valueBits[i] += 2 * valueBits[i - 1] - valueBits[i - 2];
            }
        } else {
            readFor(n - 1, valueBits, 1);
            for (int i = 1; i < n; i++) {
                valueBits[i] += valueBits[i - 1];
            }
        }
        for (int i = 0; i < n; i++) {
            valueBits[i] = Double.doubleToRawLongBits(ChunkDescriptor.decimal(valueBits[i], k));
        }
    }

    private void readFor(final int n, final long[] into, final int from) {
        if (n <= 0) {
            return;
        }
        final int width = (int) in.readBits(7);
        if (width > 64) {
            throw in.corrupt("bad frame-of-reference width " + width);
        }
        final long min = unzigzag(in.readVarBits());
        final long escape = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < n; i++) {
            long u = 0;
            if (width > 0) {
                u = in.readBits(width);
                if (u == escape) {
                    u = in.readBits(64);
                }
            }
            into[from + i] = min + u;
        }
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
