package io.metricstream.loadgen.verify;

import java.util.Arrays;

/**
 * Per-series sample lists (timestamp, raw value bits), bucketed by series id and sorted by timestamp on
 * {@link #sort()}. Not thread-safe.
 */
final class SeriesSamples {
    private final long[][] timestamps;
    private final long[][] bits;
    private final int[] sizes;

    SeriesSamples(final int series) {
        timestamps = new long[series][];
        bits = new long[series][];
        sizes = new int[series];
    }

    static SeriesSamples of(final AckLog.Part part, final int series) {
        final SeriesSamples s = new SeriesSamples(series);
        for (int i = 0; i < part.size; i++) {
            s.add(part.seriesIds[i], part.timestampsMs[i], part.valueBits[i]);
        }
        s.sort();
        return s;
    }

    void add(final int id, final long ts, final long valueBits) {
        if (timestamps[id] == null) {
            timestamps[id] = new long[8];
            bits[id] = new long[8];
        } else if (sizes[id] == timestamps[id].length) {
            timestamps[id] = Arrays.copyOf(timestamps[id], sizes[id] * 2);
            bits[id] = Arrays.copyOf(bits[id], sizes[id] * 2);
        }
        timestamps[id][sizes[id]] = ts;
        bits[id][sizes[id]] = valueBits;
        sizes[id]++;
    }

    int series() {
        return sizes.length;
    }

    int size(final int id) {
        return sizes[id];
    }

    long timestamp(final int id, final int i) {
        return timestamps[id][i];
    }

    long bits(final int id, final int i) {
        return bits[id][i];
    }

    void sort() {
        for (int id = 0; id < sizes.length; id++) {
            if (sizes[id] > 1) {
                sortPairs(timestamps[id], bits[id], 0, sizes[id] - 1);
            }
        }
    }

    /** Index of the first sample of {@code id} with timestamp >= {@code ts}. */
    int lowerBound(final int id, final long ts) {
        int lo = 0;
        int hi = sizes[id];
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (timestamps[id][mid] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Insertion sort for short runs, else quicksort, over (key, value) pairs by key; stable order not needed. */
    private static void sortPairs(final long[] keys, final long[] values, final int from, final int to) {
        int lo = from;
        int hi = to;
        while (hi - lo > 16) {
            final long pivot = keys[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(keys, values, i++, j--);
                }
            }
            if (j - lo < hi - i) {
                sortPairs(keys, values, lo, j);
                lo = i;
            } else {
                sortPairs(keys, values, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && keys[j - 1] > keys[j]; j--) {
                swap(keys, values, j, j - 1);
            }
        }
    }

    private static void swap(final long[] k, final long[] v, final int a, final int b) {
        final long tk = k[a];
        k[a] = k[b];
        k[b] = tk;
        final long tv = v[a];
        v[a] = v[b];
        v[b] = tv;
    }
}
