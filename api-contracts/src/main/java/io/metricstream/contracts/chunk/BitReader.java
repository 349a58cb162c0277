package io.metricstream.contracts.chunk;

import java.nio.ByteBuffer;

/**
 * Reads bit fields written by {@link BitWriter} from a window of a {@link ByteBuffer} (heap or memory-mapped),
 * with absolute reads only. Every read is bounded by the window: running past it throws a
 * {@link ChunkCorruptException} naming the source and byte offset, so garbage can never loop or read outside.
 * Not thread-safe; re-{@link #wrap} per chunk.
 */
public final class BitReader {
    private ByteBuffer buf;
    private int start;
    private long bitPosition;
    private long bitEnd;
    private String source;
    private long sourceOffset;

    /** Reads {@code length} bytes of {@code buf} from absolute index {@code at}. */
    public BitReader wrap(final ByteBuffer buf, final int at, final int length, final String source,
                          final long sourceOffset) {
        this.buf = buf;
        this.start = at;
        this.bitPosition = 0;
        this.bitEnd = (long) length * 8;
        this.source = source;
        this.sourceOffset = sourceOffset;
        return this;
    }

    /** Reads {@code count} (0..64) bits as an unsigned value. */
    public long readBits(final int count) {
        if (bitPosition + count > bitEnd) {
            throw corrupt("bit stream ends early: need " + count + " bits at bit " + bitPosition + " of " + bitEnd);
        }
        if (count == 0) {
            return 0;
        }
        final int bytePosition = (int) (bitPosition >>> 3);
        if (count <= 56 && (long) bytePosition + 8 <= bitEnd >>> 3) {
            // fast path: one big-endian 8-byte read holds every wanted bit (bit offset <= 7, count <= 56)
            final long word = buf.getLong(start + bytePosition);
            final int offset = (int) (bitPosition & 7);
            bitPosition += count;
            return (word << offset) >>> (64 - count);
        }
        long value = 0;
        int n = count;
        while (n > 0) {
            final int b = buf.get(start + (int) (bitPosition >>> 3)) & 0xFF;
            final int avail = 8 - (int) (bitPosition & 7);
            final int take = Math.min(avail, n);
            final int bits = (b >>> (avail - take)) & ((1 << take) - 1);
            value = take == 64 ? bits : (value << take) | bits;
            n -= take;
            bitPosition += take;
        }
        return value;
    }

    /** Reads one bit. */
    public boolean readBit() {
        return readBits(1) != 0;
    }

    /** Reads a value written by {@link BitWriter#writeVarBits}. */
    public long readVarBits() {
        final int length = (int) readBits(7);
        if (length > 64) {
            throw corrupt("bad var-bits length " + length);
        }
        return readBits(length);
    }

    /** An exception naming the source and the byte offset of the current position. */
    public ChunkCorruptException corrupt(final String reason) {
        return new ChunkCorruptException(source, sourceOffset + (bitPosition >>> 3), reason);
    }
}
