package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.AppendStatus;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.select.Querier;
import io.metricstream.testsupport.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded simulation: random in-order, out-of-order, too-old and duplicate appends, flushes, compactions, deletes,
 * tombstone cleaning and restarts from the checkpoint, checked after every step against a brute-force model
 * (first write wins, window relative to the series' newest sample, tombstones hide ranges). A series head GC removed
 * (nothing left in the head after a flush, or none restored) starts over: the window and duplicate checks see only
 * its samples since, while reads keep the first write (the older source wins).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeSeriesDbSimulationTest {
    private static final long D = 10_000;
    private static final long WINDOW = 3_000;
    private static final HeadOptions HEAD = new HeadOptions(8, D, WINDOW, 1000, 16, 256);

    @TempDir
    Path dir;

    private final Map<LabelSet, TreeMap<Long, Long>> model = new HashMap<>();
    private final Map<LabelSet, Long> modelMax = new HashMap<>();
    // per series, the samples appended since head GC last (re)created it
    private final Map<LabelSet, TreeMap<Long, Long>> modelHead = new HashMap<>();
    private final List<Object[]> modelTombstones = new ArrayList<>();
    // whether the tombstones changed (or the db reopened) since the head GC last dropped the deleted head samples
    private boolean tombstonesUncollected;

    @Test
    void shouldMatchBruteForceModelWhenRandomOperationsAndRestartsInterleave() throws Exception {
        // -Dsimulation.seed=N (or -Dtest.seed=N) replays a failing run (both runs use N)
        for (int run = 0; run < 2; run++) {
            final long seed = Seeds.seed("simulation");
            model.clear();
            modelMax.clear();
            modelHead.clear();
            modelTombstones.clear();
            tombstonesUncollected = true;
            // run 1 writes chunk segments of 128 B-1 KiB (a few chunks each), so flushes, merges and rewrites span
            // segments (every segment costs an fsync: smaller ones made the test 30 times slower)
            final long segmentBytes = run == 0 ? 512L << 20 : new SplittableRandom(seed).nextLong(128, 1024);
            simulate(seed, dir.resolve("run" + run), new DbOptions(HEAD, 0, 0, 3, 4, 0, segmentBytes));
        }
    }

    private static HeadMetrics metrics() {
        return new HeadMetrics(new MetricsRegistry());
    }

    private void simulate(final long seed, final Path data, final DbOptions options) throws Exception {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final List<LabelSet> series = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            series.add(LabelSet.of("__name__", i % 2 == 0 ? "cpu" : "mem", "host", "h" + i, "job", "j" + (i % 3)));
        }
        TimeSeriesDb db = TimeSeriesDb.open(data, options, metrics());
        long now = rnd.nextLong(-100_000, 100_000);
        for (int step = 0; step < 300; step++) {
            final int op = rnd.nextInt(100);
            if (op < 80) {
                for (int k = 0; k < 20; k++) {
                    final LabelSet s = series.get(rnd.nextInt(series.size()));
                    final long base = modelMax.getOrDefault(s, now);
                    final long ts = switch (rnd.nextInt(6)) {
                        case 0 -> base - rnd.nextLong(0, WINDOW * 2);
                        case 1 -> base;
                        default -> base + rnd.nextLong(1, 3_000);
                    };
                    now = Math.max(now, ts);
                    final long bits = rnd.nextInt(4) == 0 ? Double.doubleToRawLongBits(rnd.nextDouble())
                        : Double.doubleToRawLongBits(rnd.nextInt(1000) / 100.0);
                    final long flushed = db.head().registry().getOrCreate(s, 8).flushedMaxTimeMs();
                    final AppendStatus st = db.head().append(s, ts, Double.longBitsToDouble(bits));
                    assertEquals(expect(s, ts, bits, flushed), st, "seed=" + seed + " step=" + step + " ts=" + ts);
                }
            } else if (op < 87) {
                db.flushIfDue();
                collectDeleted();
                forgetRemoved(db, series);
            } else if (op < 91) {
                db.compact();
            } else if (op < 94) {
                db.checkpoint(Map.of(0, (long) step));
                db.close();
                db = TimeSeriesDb.open(data, options, metrics());
                assertEquals(Map.of(0, (long) step), db.recoveredOffsets());
                tombstonesUncollected = true;
                forgetRemoved(db, series);
            } else if (op < 97) {
                final List<LabelSet> victims = List.of(series.get(rnd.nextInt(series.size())));
                final long minT = now - rnd.nextLong(20_000);
                final long maxT = minT + rnd.nextLong(5_000);
                db.delete(victims, minT, maxT);
                modelTombstones.add(new Object[] {victims.getFirst(), minT, maxT});
                tombstonesUncollected = true;
            } else {
                db.cleanTombstones(Map.of(0, (long) step));
                removeTombstoned(model);
                removeTombstoned(modelHead);
                modelTombstones.clear();
            }
            check(db, rnd, series, now, seed, step);
        }
        db.close();
    }

    /**
     * The head GC of deleted series (every {@code flushIfDue} after the tombstones changed or the db reopened) drops
     * the tombstoned head samples: their timestamps take a new sample (which the tombstone still hides from reads).
     */
    private void collectDeleted() {
        if (tombstonesUncollected) {
            removeTombstoned(modelHead);
            tombstonesUncollected = false;
        }
    }

    private void removeTombstoned(final Map<LabelSet, TreeMap<Long, Long>> samples) {
        for (final Object[] t : modelTombstones) {
            final TreeMap<Long, Long> m = samples.get((LabelSet) t[0]);
            if (m != null) {
                m.subMap((Long) t[1], true, (Long) t[2], true).clear();
            }
        }
    }

    /** Series head GC removed start over in the model's append checks. */
    private void forgetRemoved(final TimeSeriesDb db, final List<LabelSet> series) {
        final Set<LabelSet> live = new HashSet<>();
        for (final MemSeries s : db.head().registry().all()) {
            live.add(s.labels());
        }
        for (final LabelSet s : series) {
            if (!live.contains(s)) {
                modelMax.remove(s);
                modelHead.remove(s);
            }
        }
    }

    private AppendStatus expect(final LabelSet s, final long ts, final long bits, final long flushedMax) {
        final Long max = modelMax.get(s);
        final TreeMap<Long, Long> m = model.computeIfAbsent(s, k -> new TreeMap<>());
        final TreeMap<Long, Long> h = modelHead.computeIfAbsent(s, k -> new TreeMap<>());
        if (max != null && (ts < max - WINDOW || ts <= flushedMax)) {
            return AppendStatus.TOO_OLD;
        }
        final Long existing = h.get(ts);
        if (existing != null) {
            return existing == bits ? AppendStatus.DUPLICATE : AppendStatus.CONFLICT;
        }
        h.put(ts, bits);
        // a sample of a removed series' flushed timestamp: the block's (older) sample is what reads return
        m.putIfAbsent(ts, bits);
        modelMax.put(s, max == null ? ts : Math.max(max, ts));
        return AppendStatus.APPENDED;
    }

    private void check(final TimeSeriesDb db, final SplittableRandom rnd, final List<LabelSet> series,
                       final long now, final long seed, final int step) throws Exception {
        final List<LabelMatcher> matchers = switch (rnd.nextInt(4)) {
            case 0 -> List.of(LabelMatcher.eq("__name__", "cpu"));
            case 1 -> List.of(LabelMatcher.of(LabelMatcher.Type.RE, "host", "h1.*"),
                LabelMatcher.of(LabelMatcher.Type.NEQ, "job", "j1"));
            case 2 -> List.of(LabelMatcher.eq("job", "j2"), LabelMatcher.of(LabelMatcher.Type.NRE, "host", "h[0-4]"));
            default -> List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
        };
        final long minT = rnd.nextInt(3) == 0 ? Long.MIN_VALUE : now - rnd.nextLong(60_000);
        final long maxT = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : minT + rnd.nextLong(60_000);
        final TreeMap<LabelSet, TreeMap<Long, Long>> expected = new TreeMap<>();
        for (final LabelSet s : series) {
            if (!matchersMatch(matchers, s) || !model.containsKey(s)) {
                continue;
            }
            final TreeMap<Long, Long> in = new TreeMap<>(model.get(s).subMap(minT, true, maxT, true));
            for (final Object[] t : modelTombstones) {
                if (t[0].equals(s)) {
                    in.subMap((Long) t[1], true, (Long) t[2], true).clear();
                }
            }
            if (!in.isEmpty()) {
                expected.put(s, in);
            }
        }
        final TreeMap<LabelSet, TreeMap<Long, Long>> actual = new TreeMap<>();
        new Querier(db).select(matchers, minT, maxT, 0, (labels, samples) -> actual.put(labels, toMap(samples)));
        assertEquals(expected, actual, "seed=" + seed + " step=" + step + " matchers=" + matchers);
    }

    private static TreeMap<Long, Long> toMap(final SampleBuffer b) {
        final TreeMap<Long, Long> m = new TreeMap<>();
        for (int i = 0; i < b.size(); i++) {
            if (i > 0 && b.timestampAt(i) <= b.timestampAt(i - 1)) {
                throw new AssertionError("samples not strictly increasing at " + i);
            }
            m.put(b.timestampAt(i), b.valueBitsAt(i));
        }
        return m;
    }

    private static boolean matchersMatch(final List<LabelMatcher> matchers, final LabelSet s) {
        for (final LabelMatcher m : matchers) {
            if (!m.matches(s.get(m.name()))) {
                return false;
            }
        }
        return true;
    }
}
