package io.metricstream.loadgen.generate;

import java.util.Arrays;

/**
 * A batch of samples in primitive arrays: series id (into a {@link SeriesCatalog}), timestamp in ms and value.
 * The unit of one request. Grows once to its capacity and is reused; not thread-safe.
 */
public final class SampleBatch {
    private int[] seriesIds;
    private long[] timestampsMs;
    private double[] values;
    private int size;

    /** An empty batch with room for {@code capacity} samples. */
    public SampleBatch(final int capacity) {
        seriesIds = new int[Math.max(1, capacity)];
        timestampsMs = new long[seriesIds.length];
        values = new double[seriesIds.length];
    }

    /** Appends one sample, growing when full. */
    public void add(final int seriesId, final long timestampMs, final double value) {
        if (size == seriesIds.length) {
            final int n = size * 2;
            seriesIds = Arrays.copyOf(seriesIds, n);
            timestampsMs = Arrays.copyOf(timestampsMs, n);
            values = Arrays.copyOf(values, n);
        }
        seriesIds[size] = seriesId;
        timestampsMs[size] = timestampMs;
        values[size] = value;
        size++;
    }

    /** Number of samples. */
    public int size() {
        return size;
    }

    /** Series id of sample {@code i}. */
    public int seriesId(final int i) {
        return seriesIds[i];
    }

    /** Timestamp (ms) of sample {@code i}. */
    public long timestampMs(final int i) {
        return timestampsMs[i];
    }

    /** Value of sample {@code i}. */
    public double value(final int i) {
        return values[i];
    }

    /** Empties the batch. */
    public void clear() {
        size = 0;
    }

    /** A right-sized copy (kept by requests whose samples must be remembered until acknowledged). */
    public SampleBatch copy() {
        final SampleBatch c = new SampleBatch(size);
        System.arraycopy(seriesIds, 0, c.seriesIds, 0, size);
        System.arraycopy(timestampsMs, 0, c.timestampsMs, 0, size);
        System.arraycopy(values, 0, c.values, 0, size);
        c.size = size;
        return c;
    }
}
