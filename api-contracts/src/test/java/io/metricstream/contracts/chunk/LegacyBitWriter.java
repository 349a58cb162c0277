package io.metricstream.contracts.chunk;

import java.util.Arrays;

/**
 * The bit writer as it was before the 64-bit field writes (session 4), kept as the reference the current one must
 * match byte for byte.
 * Appends bit fields, most significant bit first, into a growable byte array. Reused across chunks with
 * {@link #reset()}; no allocation once the array is large enough. Not thread-safe.
 */
final class LegacyBitWriter {
    private byte[] buf;
    private int bitPosition;

    /** A writer with {@code initialBytes} of capacity. */
    LegacyBitWriter(final int initialBytes) {
        this.buf = new byte[Math.max(16, initialBytes)];
    }

    /** Empties the writer (zeroes only the bytes used). */
    public void reset() {
        Arrays.fill(buf, 0, Math.min(buf.length, (bitPosition + 7) >>> 3), (byte) 0);
        bitPosition = 0;
    }

    /** Bits written so far. */
    public int bitLength() {
        return bitPosition;
    }

    /** Bytes needed to hold the bits written (last byte zero-padded). */
    public int byteLength() {
        return (bitPosition + 7) >>> 3;
    }

    /** The backing array; valid up to {@link #byteLength()}. */
    public byte[] array() {
        return buf;
    }

    /** A copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, byteLength());
    }

    /** Writes one bit. */
    public void writeBit(final boolean bit) {
        writeBits(bit ? 1 : 0, 1);
    }

    /** Writes the low {@code count} bits (0..64) of {@code value}, most significant first. */
    public void writeBits(final long value, final int count) {
        ensure(count);
        int n = count;
        while (n > 0) {
            final int byteIndex = bitPosition >>> 3;
            final int free = 8 - (bitPosition & 7);
            final int take = Math.min(free, n);
            final int bits = (int) ((value >>> (n - take)) & ((1L << take) - 1));
            buf[byteIndex] |= (byte) (bits << (free - take));
            n -= take;
            bitPosition += take;
        }
    }

    /** Writes {@code value} as 7 bits of bit length then that many bits (0..64). */
    public void writeVarBits(final long value) {
        final int length = 64 - Long.numberOfLeadingZeros(value);
        writeBits(length, 7);
        writeBits(value, length);
    }

    private void ensure(final int bits) {
        final int needBytes = ((bitPosition + bits) >>> 3) + 1;
        if (needBytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needBytes, buf.length * 2));
        }
    }
}
