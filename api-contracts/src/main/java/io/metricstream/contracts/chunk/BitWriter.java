package io.metricstream.contracts.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bit fields, most significant bit first, into a growable byte array. Reused across chunks with
 * {@link #reset()}; no allocation once the array is large enough. Not thread-safe.
 *
 * <p>Design note: a field of up to 56 bits always fits in the 8 bytes starting at the byte holding the next free
 * bit, so it is written with one big-endian long read-or-write instead of a loop over bytes (the byte loop was the
 * storage ingest thread's top frame, about a fifth of its samples). Bytes past the last written bit are kept zero
 * (ORing a field only ever sets bits below the new bit position), and the array keeps 8 spare bytes for that
 * long access.
 */
public final class BitWriter {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int MAX_FIELD_BITS = 56;

    private byte[] buf;
    private int bitPosition;

    /** A writer with {@code initialBytes} of capacity. */
    public BitWriter(final int initialBytes) {
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
        writeField(bit ? 1 : 0, 1);
    }

    /** Writes the low {@code count} bits (0..64) of {@code value}, most significant first. */
    public void writeBits(final long value, final int count) {
        if (count > MAX_FIELD_BITS) {
            writeField((value >>> 32) & ((1L << (count - 32)) - 1), count - 32);
            writeField(value & 0xFFFF_FFFFL, 32);
        } else if (count > 0) {
            writeField(value & ((1L << count) - 1), count);
        }
    }

    /** Writes {@code value} as 7 bits of bit length then that many bits (0..64). */
    public void writeVarBits(final long value) {
        final int length = 64 - Long.numberOfLeadingZeros(value);
        writeField(length, 7);
        writeBits(value, length);
    }

    /** Bits {@link #writeVarBits} takes for {@code value}. */
    public static int varBitsLength(final long value) {
        return 7 + 64 - Long.numberOfLeadingZeros(value);
    }

    /** ORs {@code field} (1..56 bits, nothing set above bit {@code count - 1}) in at the bit position. */
    private void writeField(final long field, final int count) {
        final int at = bitPosition >>> 3;
        if (at + Long.BYTES > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(at + Long.BYTES, buf.length * 2));
        }
        final long word = (long) LONG_BE.get(buf, at);
        LONG_BE.set(buf, at, word | field << (Long.SIZE - (bitPosition & 7) - count));
        bitPosition += count;
    }
}
