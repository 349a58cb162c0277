package io.metricstream.loadgen.encode;

import io.netty.buffer.ByteBuf;

/**
 * The few protobuf wire primitives remote write needs: varints, tags, fixed64 doubles, length-delimited
 * fields. Stateless. Wire types: 0 varint, 1 fixed64, 2 length-delimited.
 */
public final class ProtobufWriter {
    /** Wire type of varints. */
    public static final int VARINT = 0;
    /** Wire type of fixed 64-bit values (double). */
    public static final int FIXED64 = 1;
    /** Wire type of length-delimited fields (strings, bytes, messages). */
    public static final int LENGTH_DELIMITED = 2;

    private ProtobufWriter() {
    }

    /** Bytes of {@code v} as an unsigned varint (negative int64 take 10). */
    public static int varintSize(final long v) {
        if (v < 0) {
            return 10;
        }
        int n = 1;
        long x = v;
        while (x >= 0x80) {
            x >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code v} as an unsigned varint (int64 two's complement for negatives). */
    public static void writeVarint(final ByteBuf out, final long v) {
        long x = v;
        while ((x & ~0x7FL) != 0) {
            out.writeByte((int) ((x & 0x7F) | 0x80));
            x >>>= 7;
        }
        out.writeByte((int) x);
    }

    /** Writes a field tag. */
    public static void writeTag(final ByteBuf out, final int field, final int wireType) {
        writeVarint(out, ((long) field << 3) | wireType);
    }

    /** Writes a double field (fixed64, little-endian). */
    public static void writeDouble(final ByteBuf out, final int field, final double v) {
        writeTag(out, field, FIXED64);
        out.writeLongLE(Double.doubleToRawLongBits(v));
    }

    /** Writes an int64 varint field. */
    public static void writeInt64(final ByteBuf out, final int field, final long v) {
        writeTag(out, field, VARINT);
        writeVarint(out, v);
    }

    /** Writes a length-delimited field of {@code bytes}. */
    public static void writeBytes(final ByteBuf out, final int field, final byte[] bytes) {
        writeTag(out, field, LENGTH_DELIMITED);
        writeVarint(out, bytes.length);
        out.writeBytes(bytes);
    }
}
