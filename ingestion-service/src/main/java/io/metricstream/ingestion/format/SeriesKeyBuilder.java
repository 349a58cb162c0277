package io.metricstream.ingestion.format;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Collects one series' labels as byte ranges of one source array, then writes the canonical series key
 * (docs/format/series-key.md: uint16 count, then name-sorted uint16-length-prefixed names and values) into a
 * {@link StagedSamples}. Checks the per-series limits; empty values are dropped (Prometheus semantics). Sorting is
 * an insertion sort over indices: label counts are small and bounded by {@code max_labels_per_series}.
 *
 * <p>Not thread-safe; one per parser. Arrays are sized once from the limits; nothing is allocated per series.
 */
public final class SeriesKeyBuilder {
    /** Labels accepted. */
    public static final int OK = 0;
    /** More labels than {@code max_labels_per_series}. */
    public static final int TOO_MANY_LABELS = 1;
    /** A name longer than {@code max_label_name_length}. */
    public static final int NAME_TOO_LONG = 2;
    /** A value longer than {@code max_label_value_length}. */
    public static final int VALUE_TOO_LONG = 3;
    /** Two labels with the same name ({@link #duplicateLabel()} names the second). */
    public static final int DUPLICATE_LABEL = 4;

    private final ParseLimits limits;
    private final int[] nameAt;
    private final int[] nameLength;
    private final int[] valueAt;
    private final int[] valueLength;
    private final int[] order;
    private byte[] src;
    private int size;
    private int duplicate;

    /** A builder bounded by {@code limits}. */
    public SeriesKeyBuilder(final ParseLimits limits) {
        this.limits = limits;
        final int n = limits.maxLabelsPerSeries();
        nameAt = new int[n];
        nameLength = new int[n];
        valueAt = new int[n];
        valueLength = new int[n];
        order = new int[n];
    }

    /** Starts a series whose label bytes all live in {@code source}. */
    public void begin(final byte[] source) {
        this.src = source;
        this.size = 0;
    }

    /** Adds a label; returns {@link #OK} or the limit it breaks. An empty value is accepted and dropped. */
    public int add(final int nameOffset, final int nameBytes, final int valueOffset, final int valueBytes) {
        if (nameBytes > limits.maxLabelNameLength()) {
            return NAME_TOO_LONG;
        }
        if (valueBytes > limits.maxLabelValueLength()) {
            return VALUE_TOO_LONG;
        }
        if (valueBytes == 0) {
            return OK;
        }
        if (size == nameAt.length) {
            return TOO_MANY_LABELS;
        }
        nameAt[size] = nameOffset;
        nameLength[size] = nameBytes;
        valueAt[size] = valueOffset;
        valueLength[size] = valueBytes;
        size++;
        return OK;
    }

    /** Labels added (empty values not counted). */
    public int size() {
        return size;
    }

    /** After {@link #DUPLICATE_LABEL}: the arrival index of the repeated label. */
    public int duplicateLabel() {
        return duplicate;
    }

    /** Name offset of the label that arrived at {@code arrivalIndex}. */
    public int nameOffset(final int arrivalIndex) {
        return nameAt[arrivalIndex];
    }

    /** Name length of the label that arrived at {@code arrivalIndex}. */
    public int nameLength(final int arrivalIndex) {
        return nameLength[arrivalIndex];
    }

    /** Sorts, checks for duplicates and writes the key into {@code out}; returns {@link #OK} or DUPLICATE_LABEL. */
    public int finish(final StagedSamples out) {
        for (int i = 0; i < size; i++) {
            int j = i - 1;
            while (j >= 0 && compareNames(order[j], i) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = i;
        }
        for (int i = 1; i < size; i++) {
            if (compareNames(order[i - 1], order[i]) == 0) {
                duplicate = Math.max(order[i - 1], order[i]);
                return DUPLICATE_LABEL;
            }
        }
        final ByteBuf keys = out.keys();
        final int keyAt = keys.writerIndex();
        if (keys.hasArray()) {
            writeKeyToArray(keys, keyAt);
        } else {
            keys.writeShort(size);
            for (int k = 0; k < size; k++) {
                final int i = order[k];
                keys.writeShort(nameLength[i]).writeBytes(src, nameAt[i], nameLength[i]);
                keys.writeShort(valueLength[i]).writeBytes(src, valueAt[i], valueLength[i]);
            }
        }
        out.endSeries(keyAt);
        return OK;
    }

    /**
     * Writes the key straight into the heap buffer's array after one capacity check: the nine-plus checked
     * {@code writeShort}/{@code writeBytes} calls per series were most of this method's time on the event loop.
     */
    private void writeKeyToArray(final ByteBuf keys, final int keyAt) {
        int length = Short.BYTES;
        for (int i = 0; i < size; i++) {
            length += 2 * Short.BYTES + nameLength[i] + valueLength[i];
        }
        keys.ensureWritable(length);
        final byte[] a = keys.array();
        int p = putShort(a, keys.arrayOffset() + keyAt, size);
        for (int k = 0; k < size; k++) {
            final int i = order[k];
            p = putShort(a, p, nameLength[i]);
            System.arraycopy(src, nameAt[i], a, p, nameLength[i]);
            p = putShort(a, p + nameLength[i], valueLength[i]);
            System.arraycopy(src, valueAt[i], a, p, valueLength[i]);
            p += valueLength[i];
        }
        keys.writerIndex(keyAt + length);
    }

    /** Big-endian uint16, as {@link ByteBuf#writeShort}; returns the index after it. */
    private static int putShort(final byte[] a, final int at, final int value) {
        a[at] = (byte) (value >>> 8);
        a[at + 1] = (byte) value;
        return at + Short.BYTES;
    }

    private int compareNames(final int a, final int b) {
        // label names of one series mostly differ in their first byte: decide those without the mismatch call
        if (nameLength[a] > 0 && nameLength[b] > 0) {
            final int first = (src[nameAt[a]] & 0xFF) - (src[nameAt[b]] & 0xFF);
            if (first != 0) {
                return first;
            }
        }
        return Arrays.compareUnsigned(src, nameAt[a], nameAt[a] + nameLength[a], src, nameAt[b],
            nameAt[b] + nameLength[b]);
    }
}
