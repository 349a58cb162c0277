package io.metricstream.query.remote;

import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.query.eval.RangeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Range-vector input ({@link RangeSeries}) from selected samples: stale markers dropped, {@link RangeSeries#mayReset()}
 * found. From chunks it is one pass straight out of the {@link ChunkReader} into stale-free arrays (no
 * {@link SeriesSamples} in between, no second copy, no trim: {@link RangeSeries#size()} bounds the arrays).
 * Stateless.
 */
public final class RangeDecoding {
    private RangeDecoding() {
    }

    /**
     * The samples of {@code s} in [minTimeMs, maxTimeMs] without stale markers. Overlapping chunks (out-of-order data
     * still in storage's head) go through {@link SeriesChunks#decode}, which merges them, and then
     * {@link #fromSamples}.
     */
    public static RangeSeries decode(final SeriesChunks s, final long minTimeMs, final long maxTimeMs,
                                     final ChunkReader reader) {
        final long[] mins = s.minTimes();
        final long[] maxs = s.maxTimes();
        for (int c = 1; c < mins.length; c++) {
            if (mins[c] <= maxs[c - 1]) {
                return fromSamples(s.decode(minTimeMs, maxTimeMs, reader));
            }
        }
        long[] ts = new long[estimate(s, minTimeMs, maxTimeMs)];
        double[] vs = new double[ts.length];
        int n = 0;
        boolean mayReset = false;
        double last = 0;
        long lastT = Long.MIN_VALUE;
        for (int c = 0; c < mins.length; c++) {
            if (maxs[c] < minTimeMs || mins[c] > maxTimeMs) {
                continue;
            }
            reader.reset(s.chunks()[c], "select chunks answer");
            final int count = reader.count();
            if (n + count > ts.length) {
                ts = Arrays.copyOf(ts, Math.max(n + count, ts.length * 2));
                vs = Arrays.copyOf(vs, ts.length);
            }
            for (int i = 0; i < count; i++) {
                final long t = reader.timestampAt(i);
                final long bits = reader.valueBitsAt(i);
                if (t < minTimeMs || t > maxTimeMs || bits == StaleMarker.BITS) {
                    continue;
                }
                if (t <= lastT) {
                    // a chunk out of order inside itself: SeriesChunks.decode sorts and keeps the first
                    return fromSamples(s.decode(minTimeMs, maxTimeMs, reader));
                }
                lastT = t;
                final double v = Double.longBitsToDouble(bits);
                mayReset |= v < last || v != v;
                last = v;
                ts[n] = t;
                vs[n++] = v;
            }
        }
        return new RangeSeries(s.labels(), ts, vs, n, mayReset);
    }

    /** {@link #fromSamples(SeriesSamples)} of each series, in order. */
    public static List<RangeSeries> fromSamples(final List<SeriesSamples> series) {
        final List<RangeSeries> out = new ArrayList<>(series.size());
        for (final SeriesSamples s : series) {
            out.add(fromSamples(s));
        }
        return out;
    }

    /** The samples without stale markers (copied only when there are any). */
    public static RangeSeries fromSamples(final SeriesSamples s) {
        final long[] ts = s.timestamps();
        final double[] vs = s.values();
        int stale = 0;
        boolean mayReset = false;
        double last = 0;
        for (final double v : vs) {
            if (StaleMarker.isStale(v)) {
                stale++;
            } else {
                mayReset |= v < last || v != v;
                last = v;
            }
        }
        if (stale == 0) {
            return new RangeSeries(s.labels(), ts, vs, ts.length, mayReset);
        }
        final long[] t2 = new long[ts.length - stale];
        final double[] v2 = new double[t2.length];
        int n = 0;
        for (int i = 0; i < ts.length; i++) {
            if (!StaleMarker.isStale(vs[i])) {
                t2[n] = ts[i];
                v2[n++] = vs[i];
            }
        }
        return new RangeSeries(s.labels(), t2, v2, n, mayReset);
    }

    /** Samples of the chunks overlapping the range (their headers' counts); exact when they lie inside it. */
    private static int estimate(final SeriesChunks s, final long minTimeMs, final long maxTimeMs) {
        int samples = 0;
        for (int c = 0; c < s.chunks().length; c++) {
            final byte[] chunk = s.chunks()[c];
            if (s.maxTimes()[c] >= minTimeMs && s.minTimes()[c] <= maxTimeMs && chunk.length >= 3) {
                samples += ((chunk[1] & 0xFF) << 8) | (chunk[2] & 0xFF);
            }
        }
        return Math.max(samples, 1);
    }
}
