package io.metricstream.storage.block;

import io.metricstream.contracts.model.StaleMarker;
import java.util.Arrays;

/**
 * A growable columnar list of rollup windows (docs/format/rollup.md): per window its start, min, max, sum, count,
 * last value and last timestamp. Semantics follow Prometheus's {@code *_over_time}: stale markers are skipped
 * entirely; NaN counts, propagates through sum, and is replaced in min/max by any later non-NaN value (so min/max
 * are NaN only when every value is NaN). Partial windows of the same start combine associatively in time order.
 * Reused with {@link #clear()}; not thread-safe.
 */
public final class RollupWindows {
    /** Column indexes of {@link #value(int, Agg)}. */
    public enum Agg {
        /** Smallest value. */
        MIN,
        /** Largest value. */
        MAX,
        /** Sum of the values. */
        SUM,
        /** Number of (non-stale) samples. */
        COUNT,
        /** Last value. */
        LAST,
        /** Sum / count. */
        AVG
    }

    private long[] start = new long[16];
    private double[] min = new double[16];
    private double[] max = new double[16];
    private double[] sum = new double[16];
    private double[] count = new double[16];
    private double[] last = new double[16];
    private long[] lastTs = new long[16];
    private int size;

    /** Empties the list. */
    public void clear() {
        size = 0;
    }

    /** Windows held. */
    public int size() {
        return size;
    }

    /** Start (epoch ms, a multiple of the resolution) of window {@code i}. */
    public long startAt(final int i) {
        return start[i];
    }

    /** Timestamp of the last sample of window {@code i}. */
    public long lastTimestampAt(final int i) {
        return lastTs[i];
    }

    /** Aggregate {@code agg} of window {@code i}. */
    public double value(final int i, final Agg agg) {
        return switch (agg) {
            case MIN -> min[i];
            case MAX -> max[i];
            case SUM -> sum[i];
            case COUNT -> count[i];
            case LAST -> last[i];
            case AVG -> sum[i] / count[i];
        };
    }

    /**
     * Adds one raw sample (timestamps must increase across calls between clears); stale markers are skipped.
     * Allocation-free once warm.
     */
    public void addSample(final long tsMs, final long bits, final long resolutionMs) {
        if (bits == StaleMarker.BITS) {
            return;
        }
        final double v = Double.longBitsToDouble(bits);
        final long w = Math.floorDiv(tsMs, resolutionMs) * resolutionMs;
        if (size > 0 && start[size - 1] == w) {
            final int i = size - 1;
            min[i] = v < min[i] || Double.isNaN(min[i]) ? v : min[i];
            max[i] = v > max[i] || Double.isNaN(max[i]) ? v : max[i];
            sum[i] += v;
            count[i] += 1;
            last[i] = v;
            lastTs[i] = tsMs;
            return;
        }
        add(w, v, v, v, 1, v, tsMs);
    }

    /** Appends one (possibly partial) window as is. */
    public void add(final long windowStart, final double mn, final double mx, final double sm, final double cnt,
                    final double lst, final long lstTs) {
        if (size == start.length) {
            final int n = size * 2;
            start = Arrays.copyOf(start, n);
            min = Arrays.copyOf(min, n);
            max = Arrays.copyOf(max, n);
            sum = Arrays.copyOf(sum, n);
            count = Arrays.copyOf(count, n);
            last = Arrays.copyOf(last, n);
            lastTs = Arrays.copyOf(lastTs, n);
        }
        start[size] = windowStart;
        min[size] = mn;
        max[size] = mx;
        sum[size] = sm;
        count[size] = cnt;
        last[size] = lst;
        lastTs[size] = lstTs;
        size++;
    }

    /** Appends window {@code i} of {@code other}. */
    public void addFrom(final RollupWindows other, final int i) {
        add(other.start[i], other.min[i], other.max[i], other.sum[i], other.count[i], other.last[i], other.lastTs[i]);
    }

    /**
     * Sorts the windows by (start, last timestamp) and combines partial windows of the same start in that order;
     * partials must come from time-disjoint sources, so the last-timestamp order is their time order.
     */
    public void sortAndCombine() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = start[i] > start[i - 1];
        }
        if (sorted) {
            return;
        }
        final Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> start[a] != start[b] ? Long.compare(start[a], start[b])
            : Long.compare(lastTs[a], lastTs[b]));
        final RollupWindows out = new RollupWindows();
        for (final Integer j : order) {
            final int o = out.size - 1;
            if (o >= 0 && out.start[o] == start[j]) {
                out.min[o] = min[j] < out.min[o] || Double.isNaN(out.min[o]) ? min[j] : out.min[o];
                out.max[o] = max[j] > out.max[o] || Double.isNaN(out.max[o]) ? max[j] : out.max[o];
                out.sum[o] += sum[j];
                out.count[o] += count[j];
                out.last[o] = last[j];
                out.lastTs[o] = lastTs[j];
            } else {
                out.addFrom(this, j);
            }
        }
        start = out.start;
        min = out.min;
        max = out.max;
        sum = out.sum;
        count = out.count;
        last = out.last;
        lastTs = out.lastTs;
        size = out.size;
    }
}
