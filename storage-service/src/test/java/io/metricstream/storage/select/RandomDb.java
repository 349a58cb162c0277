package io.metricstream.storage.select;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.MemSeries;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills a database with seeded random data for select tests: several series with in-order and out-of-order
 * appends (decimals, integers, random doubles, NaN, stale markers, gaps), blocks cut along the way (flushIfDue and
 * flushes at random boundaries), optional compaction, and deletes that leave tombstones over blocks and head.
 */
final class RandomDb {
    static final long T0 = 1_704_067_200_000L;

    private RandomDb() {
    }

    /** The label sets used. */
    static List<LabelSet> series(final int count) {
        final List<LabelSet> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            out.add(LabelSet.of("__name__", "m" + (s % 2), "host", "h" + s, "zone", "z" + (s % 3)));
        }
        return out;
    }

    /**
     * Appends about {@code hours} of data to every series, cutting blocks and deleting as it goes; returns the
     * newest timestamp written.
     */
    static long fill(final TimeSeriesDb db, final SplittableRandom rnd, final int seriesCount, final long hours,
                     final long oooWindowMs, final boolean compact) throws IOException {
        final List<LabelSet> labels = series(seriesCount);
        final List<MemSeries> series = new ArrayList<>();
        final long[] next = new long[seriesCount];
        for (int s = 0; s < seriesCount; s++) {
            series.add(db.head().registry().getOrCreate(labels.get(s), 240));
            next[s] = T0 + rnd.nextLong(0, 120_000);
        }
        final long end = T0 + hours * 3_600_000L;
        long newest = T0;
        boolean more = true;
        while (more) {
            more = false;
            for (int s = 0; s < seriesCount; s++) {
                if (next[s] >= end) {
                    continue;
                }
                more = true;
                for (int k = 0; k < 20 && next[s] < end; k++) {
                    final long ts;
                    if (rnd.nextInt(12) == 0) {
                        ts = next[s] - rnd.nextLong(1, oooWindowMs);
                    } else {
                        ts = next[s];
                        next[s] += rnd.nextInt(80) == 0 ? rnd.nextLong(600_000, 5_400_000)
                            : rnd.nextLong(1_000, 40_000);
                    }
                    db.head().append(series.get(s), ts, value(rnd));
                    newest = Math.max(newest, ts);
                }
            }
            final int op = rnd.nextInt(25);
            if (op == 0) {
                db.flush(newest - rnd.nextLong(0, 3 * 3_600_000L));
            } else if (op == 1) {
                db.flushIfDue();
            } else if (op == 2 && compact) {
                db.compact();
            } else if (op == 3) {
                final long from = newest - rnd.nextLong(0, 8 * 3_600_000L);
                db.delete(List.of(labels.get(rnd.nextInt(seriesCount))), from, from + rnd.nextLong(1, 1_800_000));
            }
        }
        if (db.blocks().isEmpty()) {
            db.flush(newest - 3_600_000L); // every run has blocks; the newest hour stays in the head
        }
        for (int d = 0; d < 3; d++) {
            final long from = newest - rnd.nextLong(0, hours * 3_600_000L);
            db.delete(List.of(labels.get(rnd.nextInt(seriesCount))), from, from + rnd.nextLong(1, 1_800_000));
        }
        return newest;
    }

    private static long value(final SplittableRandom rnd) {
        final int kind = rnd.nextInt(100);
        if (kind < 2) {
            return StaleMarker.BITS;
        }
        if (kind < 3) {
            return Double.doubleToRawLongBits(Double.NaN);
        }
        if (kind < 50) {
            return Double.doubleToRawLongBits(rnd.nextInt(-500, 500) / 100.0);
        }
        if (kind < 75) {
            return Double.doubleToRawLongBits(rnd.nextInt(0, 1000));
        }
        return Double.doubleToRawLongBits(rnd.nextDouble() * 1000);
    }

    /** A random non-empty matcher list over the series of {@link #series}. */
    static List<LabelMatcher> matchers(final SplittableRandom rnd, final int seriesCount) {
        return switch (rnd.nextInt(5)) {
            case 0 -> List.of(LabelMatcher.eq("__name__", "m" + rnd.nextInt(2)));
            case 1 -> List.of(LabelMatcher.eq("host", "h" + rnd.nextInt(seriesCount)));
            case 2 -> List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"),
                LabelMatcher.of(LabelMatcher.Type.NEQ, "zone", "z" + rnd.nextInt(3)));
            case 3 -> List.of(LabelMatcher.of(LabelMatcher.Type.RE, "host", "h[0-" + rnd.nextInt(seriesCount) + "]"));
            default -> List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
        };
    }
}
