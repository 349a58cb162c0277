package io.metricstream.storage.chunk;

import io.metricstream.contracts.chunk.SampleSink;
import java.util.Arrays;

/**
 * A growable list of samples as parallel primitive arrays (timestamps, raw value bits), reused per query with
 * {@link #clear()}. Merging keeps timestamps strictly increasing: on equal timestamps the sample already present
 * wins (sources are merged oldest first, so the first write wins, as in the head). Not thread-safe.
 */
public final class SampleBuffer implements SampleSink {
    private long[] ts;
    private long[] bits;
    private int size;
    private long[] mergeTs = new long[0];
    private long[] mergeBits = new long[0];

    /** A buffer with room for {@code capacity} samples. */
    public SampleBuffer(final int capacity) {
        ts = new long[Math.max(16, capacity)];
        bits = new long[ts.length];
    }

    /** Empties the buffer. */
    public void clear() {
        size = 0;
    }

    /** Samples held. */
    public int size() {
        return size;
    }

    /** Timestamp of sample {@code i}. */
    public long timestampAt(final int i) {
        return ts[i];
    }

    /** Raw value bits of sample {@code i}. */
    public long valueBitsAt(final int i) {
        return bits[i];
    }

    /** The timestamp array (valid up to {@link #size()}). */
    public long[] timestamps() {
        return ts;
    }

    /** The value-bits array (valid up to {@link #size()}). */
    public long[] valueBits() {
        return bits;
    }

    @Override
    public void add(final long timestampMs, final long valueBits) {
        if (size == ts.length) {
            ts = Arrays.copyOf(ts, size * 2);
            bits = Arrays.copyOf(bits, size * 2);
        }
        ts[size] = timestampMs;
        bits[size] = valueBits;
        size++;
    }

    /** Sorts by timestamp (stable) and drops later duplicates of a timestamp, when not already strictly sorted. */
    public void sortAndDedupe() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = ts[i] > ts[i - 1];
        }
        if (sorted) {
            return;
        }
        final Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(ts[a], ts[b]));
        final long[] t2 = new long[ts.length];
        final long[] b2 = new long[ts.length];
        int w = 0;
        for (int i = 0; i < size; i++) {
            final int j = order[i];
            if (w > 0 && t2[w - 1] == ts[j]) {
                continue;
            }
            t2[w] = ts[j];
            b2[w++] = bits[j];
        }
        ts = t2;
        bits = b2;
        size = w;
    }

    /** Merges the sorted samples of {@code other} into this sorted buffer; equal timestamps keep this buffer's. */
    public void mergeFrom(final SampleBuffer other) {
        if (other.size == 0) {
            return;
        }
        if (size == 0 || other.ts[0] > ts[size - 1]) {
            for (int i = 0; i < other.size; i++) {
                add(other.ts[i], other.bits[i]);
            }
            return;
        }
        final int total = size + other.size;
        if (mergeTs.length < total) {
            mergeTs = new long[total * 2];
            mergeBits = new long[total * 2];
        }
        int i = 0;
        int j = 0;
        int w = 0;
        while (i < size || j < other.size) {
            if (j >= other.size || i < size && ts[i] <= other.ts[j]) {
                if (j < other.size && ts[i] == other.ts[j]) {
                    j++;
                }
                mergeTs[w] = ts[i];
                mergeBits[w++] = bits[i++];
            } else {
                mergeTs[w] = other.ts[j];
                mergeBits[w++] = other.bits[j++];
            }
        }
        final long[] t = ts;
        final long[] b = bits;
        ts = mergeTs;
        bits = mergeBits;
        mergeTs = t;
        mergeBits = b;
        size = w;
    }

    /** Keeps only the first {@code newSize} samples (after editing {@link #timestamps()} in place). */
    public void truncate(final int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("truncate to " + newSize + " of " + size);
        }
        size = newSize;
    }

    /** Removes samples with timestamps in [minT, maxT]. */
    public void removeRange(final long minT, final long maxT) {
        int w = 0;
        for (int i = 0; i < size; i++) {
            if (ts[i] < minT || ts[i] > maxT) {
                ts[w] = ts[i];
                bits[w++] = bits[i];
            }
        }
        size = w;
    }
}
