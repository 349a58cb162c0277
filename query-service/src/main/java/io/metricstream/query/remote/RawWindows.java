package io.metricstream.query.remote;

import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers a SELECT_WINDOWS request from raw samples with {@link WindowFunction#over}, exactly as storage does for
 * the raw part of a window: stale markers are dropped, window {@code i} holds {@code [end_i - rangeMs, end_i]}
 * (inclusive). Used when windows cannot come from storage (an instance without SELECT_WINDOWS, or one series
 * spread over several instances) and by the in-memory fake in tests. Stateless.
 */
public final class RawWindows {
    private RawWindows() {
    }

    /** The request's windows over {@code series} (already selected by its matchers), in input order. */
    public static List<SeriesWindows> compute(final List<SeriesSamples> series, final WindowRequest request) {
        final List<SeriesWindows> out = new ArrayList<>(series.size());
        for (final SeriesSamples s : series) {
            final SeriesWindows w = one(s, request);
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** One series' windows; null when no window holds a sample. */
    public static SeriesWindows one(final SeriesSamples s, final WindowRequest request) {
        final long[] ts;
        final double[] vs;
        final int n;
        if (hasStale(s.values())) {
            ts = new long[s.size()];
            vs = new double[s.size()];
            int m = 0;
            for (int i = 0; i < s.size(); i++) {
                if (!StaleMarker.isStale(s.values()[i])) {
                    ts[m] = s.timestamps()[i];
                    vs[m++] = s.values()[i];
                }
            }
            n = m;
        } else {
            ts = s.timestamps();
            vs = s.values();
            n = s.size();
        }
        final int steps = request.stepCount();
        final WindowFunction f = request.function();
        final int[] idx = new int[steps];
        final double[] values = new double[steps];
        int points = 0;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < steps; i++) {
            final long end = request.endMs(i);
            final long start = end - request.rangeMs();
            if (i > 0 && request.stepMs() == 0) {
                if (points > 0) {
                    idx[points] = i;
                    values[points] = values[points - 1];
                    points++;
                }
                continue;
            }
            while (hi < n && ts[hi] <= end) {
                hi++;
            }
            while (lo < n && ts[lo] < start) {
                lo++;
            }
            if (lo < hi) {
                idx[points] = i;
                values[points++] = f.over(vs, lo, hi);
            }
        }
        if (points == 0) {
            return null;
        }
        return new SeriesWindows(s.labels(), Arrays.copyOf(idx, points), Arrays.copyOf(values, points));
    }

    private static boolean hasStale(final double[] values) {
        for (final double v : values) {
            if (StaleMarker.isStale(v)) {
                return true;
            }
        }
        return false;
    }
}
