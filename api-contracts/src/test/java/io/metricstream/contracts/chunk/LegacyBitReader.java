package io.metricstream.contracts.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bit reader {@link LegacyChunkReader} uses (a copy of the session-5 {@link BitReader}).
 * Reads bit fields written by {@link BitWriter}. {@link #wrap} copies the chunk's bytes (from a heap or
 * memory-mapped {@link ByteBuffer}, absolute reads only) into a reused, padded array, so every field of up to 64
 * bits is one big-endian 8-byte load plus at most one byte, without per-bit loops. Every read is bounded by the
 * window: running past it throws a {@link ChunkCorruptException} naming the source and byte offset, so garbage can
 * never loop or read outside. Not thread-safe; re-{@link #wrap} per chunk.
 */
public final class LegacyBitReader {
    /** Bytes after the chunk's end kept readable, so a field read may load 8 bytes plus one past any position. */
    static final int PADDING = 16;
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.BIG_ENDIAN);
    private byte[] data = new byte[512 + PADDING];
    private long bitPosition;
    private long bitEnd;
    private String source;
    private long sourceOffset;

    /** Reads {@code length} bytes of {@code buf} from absolute index {@code at}. */
    public LegacyBitReader wrap(final ByteBuffer buf, final int at, final int length, final String source,
                          final long sourceOffset) {
        if (data.length < length + PADDING) {
            data = new byte[Math.max(length + PADDING, data.length * 2)];
        }
        buf.get(at, data, 0, length);
        this.bitPosition = 0;
        this.bitEnd = (long) length * 8;
        this.source = source;
        this.sourceOffset = sourceOffset;
        return this;
    }

    /** Reads {@code length} bytes of {@code chunk} from index {@code at}. */
    public LegacyBitReader wrap(final byte[] chunk, final int at, final int length, final String source,
                          final long sourceOffset) {
        if (data.length < length + PADDING) {
            data = new byte[Math.max(length + PADDING, data.length * 2)];
        }
        System.arraycopy(chunk, at, data, 0, length);
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
        final long p = bitPosition;
        bitPosition = p + count;
        return bits(data, p, count);
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

    /** An exception naming the source and the byte offset of bit {@code position}. */
    ChunkCorruptException corruptAt(final long position, final String reason) {
        return new ChunkCorruptException(source, sourceOffset + (position >>> 3), reason);
    }

    // --- bulk access for ChunkReader's fused loops: they keep the position in a local and bound it themselves

    /** The padded bytes (valid up to {@link #bitEnd()} / 8, then {@link #PADDING} readable bytes). */
    byte[] data() {
        return data;
    }

    /** The current bit position. */
    long position() {
        return bitPosition;
    }

    /** Moves to bit {@code position} (at most {@link #bitEnd()}). */
    void position(final long position) {
        bitPosition = position;
    }

    /** Bits in the window. */
    long bitEnd() {
        return bitEnd;
    }

    /**
     * The {@code count} (1..64) bits at bit {@code p} of {@code data}, unbounded: the caller has checked that
     * {@code p + count} is within the window (the padding keeps the loads inside the array).
     */
    static long bits(final byte[] data, final long p, final int count) {
        final int byteAt = (int) (p >>> 3);
        final int offset = (int) (p & 7);
        final long word = (long) LONG_BE.get(data, byteAt);
        if (count + offset <= 64) {
            return (word << offset) >>> (64 - count);
        }
        final int rest = count + offset - 64;
        return ((word << offset) >>> (64 - count)) | ((data[byteAt + 8] & 0xFFL) >>> (8 - rest));
    }
}
