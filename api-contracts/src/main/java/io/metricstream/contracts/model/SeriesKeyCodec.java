package io.metricstream.contracts.model;

import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Hashing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * The canonical byte form of a series' label set: the record key of every sample record in topic
 * {@code metrics.inbound}, and the series identity on the storage wire. Two equal label sets always
 * encode to the same bytes, so a series can be found by {@link Hashing#hash64} of its key bytes.
 * <pre>
 *   0        uint16  labelCount                 (1 ..= 65,535)
 *   2        repeated labelCount times, sorted by name (byte order of UTF-8, strictly increasing):
 *            uint16  nameLength,  name  UTF-8   (1 ..= 65,535 bytes)
 *            uint16  valueLength, value UTF-8   (1 ..= 65,535 bytes; empty values are not stored)
 * </pre>
 * Layout doc: docs/format/series-key.md. Stateless and thread-safe.
 */
public final class SeriesKeyCodec {
    /** Bytes of the label count field. */
    public static final int COUNT_LENGTH = 2;

    private SeriesKeyCodec() {
    }

    /** Exact number of bytes {@link #encode} writes for {@code labels}. */
    public static int encodedLength(final LabelSet labels) {
        int length = COUNT_LENGTH;
        for (int i = 0; i < labels.size(); i++) {
            length += 4 + ByteBufUtil.utf8Bytes(labels.name(i)) + ByteBufUtil.utf8Bytes(labels.value(i));
        }
        return length;
    }

    /** Appends the canonical form of {@code labels} to {@code out}; returns the bytes written. */
    public static int encode(final LabelSet labels, final ByteBuf out) {
        final int start = out.writerIndex();
        out.writeShort(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            writeLabel(out, labels.name(i), labels.value(i));
        }
        return out.writerIndex() - start;
    }

    /**
     * Appends one label (for writers that keep their own sorted scratch labels and write the count first with
     * {@code out.writeShort(count)}); the caller guarantees name order and non-empty values.
     */
    public static void writeLabel(final ByteBuf out, final CharSequence name, final CharSequence value) {
        writeString(out, name);
        writeString(out, value);
    }

    private static void writeString(final ByteBuf out, final CharSequence s) {
        final int lengthAt = out.writerIndex();
        out.writeShort(0);
        final int written = ByteBufUtil.writeUtf8(out, s);
        out.setShort(lengthAt, written);
    }

    /**
     * Checks {@code length} bytes at absolute index {@code at}: every length in bounds, names strictly increasing,
     * no empty name or value, nothing left over. Allocation-free.
     */
    public static DecodeStatus check(final ByteBuf buf, final int at, final int length) {
        if (length < COUNT_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        final int end = at + length;
        final int count = buf.getUnsignedShort(at);
        if (count == 0) {
            return DecodeStatus.BAD_CONTENT;
        }
        int p = at + COUNT_LENGTH;
        int prevName = -1;
        int prevNameLength = 0;
        for (int i = 0; i < count; i++) {
            if (end - p < 2) {
                return DecodeStatus.TRUNCATED;
            }
            final int nameLength = buf.getUnsignedShort(p);
            final int nameAt = p + 2;
            if (nameLength == 0) {
                return DecodeStatus.BAD_CONTENT;
            }
            if (end - nameAt < nameLength + 2) {
                return DecodeStatus.TRUNCATED;
            }
            if (prevName >= 0 && compareBytes(buf, prevName, prevNameLength, nameAt, nameLength) >= 0) {
                return DecodeStatus.BAD_CONTENT;
            }
            prevName = nameAt;
            prevNameLength = nameLength;
            p = nameAt + nameLength;
            final int valueLength = buf.getUnsignedShort(p);
            if (valueLength == 0) {
                return DecodeStatus.BAD_CONTENT;
            }
            if (end - p - 2 < valueLength) {
                return DecodeStatus.TRUNCATED;
            }
            p += 2 + valueLength;
        }
        return p == end ? DecodeStatus.OK : DecodeStatus.BAD_CONTENT;
    }

    /** Decodes a key that passed {@link #check}; allocates the label set (once per new series). */
    public static LabelSet decode(final ByteBuf buf, final int at, final int length) {
        final int count = buf.getUnsignedShort(at);
        final LabelSet.Builder builder = LabelSet.builder();
        int p = at + COUNT_LENGTH;
        for (int i = 0; i < count; i++) {
            final int nameLength = buf.getUnsignedShort(p);
            final String name = buf.toString(p + 2, nameLength, StandardCharsets.UTF_8);
            p += 2 + nameLength;
            final int valueLength = buf.getUnsignedShort(p);
            final String value = buf.toString(p + 2, valueLength, StandardCharsets.UTF_8);
            p += 2 + valueLength;
            builder.add(name, value);
        }
        return builder.build();
    }

    /** {@link Hashing#hash64} of the key bytes: the series' hash for partitioning and lookup. */
    public static long hash(final ByteBuf buf, final int at, final int length) {
        return Hashing.hash64(buf, at, length);
    }

    /** Unsigned lexicographic comparison of two byte ranges of {@code buf}. */
    public static int compareBytes(final ByteBuf buf, final int a, final int aLength, final int b, final int bLength) {
        final int n = Math.min(aLength, bLength);
        for (int i = 0; i < n; i++) {
            final int c = (buf.getByte(a + i) & 0xFF) - (buf.getByte(b + i) & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return aLength - bLength;
    }
}
