package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.consume.DuplicateFilter;
import io.metricstream.storage.head.AppendStatus;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.Querier;
import io.metricstream.testsupport.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's crash policy with a head flush after the last checkpoint: records are applied in offset order, a
 * flush moves head data into blocks and is followed by a checkpoint (InboundConsumer's maintenance) unless the process
 * dies first, and a crash loses everything since the last checkpoint but the blocks; the restart
 * replays from the checkpoint's offset (offsets below it skipped as {@link DuplicateFilter} does). Seeded: every
 * sample the first run stored is read exactly once, with its first value, after any number of such crashes, flushes
 * and compactions. The one difference allowed: a sample the first run rejected as too old (behind a flush made after
 * the checkpoint) may be stored by the replay, whose head does not know of that flush.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrashReplayTest {
    private static final long D = 10_000;
    private static final long WINDOW = 5_000;
    private static final HeadOptions HEAD = new HeadOptions(8, D, WINDOW, 1000, 16, 256);
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    // series@ts -> the status of its last replay (for failure messages)
    private final Map<String, String> replayed = new HashMap<>();

    /** One queue record: a sample of a series. */
    private record Sample(LabelSet series, long ts, double value) {
    }

    @Test
    void shouldReadEverySampleOnceWhenCrashedAfterAFlushBeforeTheCheckpoint() throws Exception {
        final long seed = Seeds.seed("crashReplay");
        final SplittableRandom rnd = new SplittableRandom(seed);
        final DbOptions options = new DbOptions(HEAD, 0, 0, 3, 4, 0);
        final List<LabelSet> series = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            series.add(LabelSet.of("__name__", "m", "host", "h" + i));
        }
        final List<Sample> log = new ArrayList<>(); // the queue partition: offset = index
        final Map<LabelSet, TreeMap<Long, Double>> model = new HashMap<>();
        final Map<LabelSet, Long> newest = new HashMap<>();
        final Map<LabelSet, TreeMap<Long, Double>> rejected = new HashMap<>(); // too old in the first run
        replayed.clear();
        TimeSeriesDb db = TimeSeriesDb.open(dir, options, new HeadMetrics(new MetricsRegistry()));
        long next = 0; // the consumer's applied offset
        int crashes = 0;
        int flushesBeforeCrash = 0;
        boolean flushedSinceCheckpoint = false;
        boolean crashNext = false;
        for (int step = 0; step < 400; step++) {
            final int op = crashNext ? 99 : rnd.nextInt(100);
            if (op < 70) {
                for (int k = 0; k < 10; k++) {
                    final LabelSet s = series.get(rnd.nextInt(series.size()));
                    final long base = newest.getOrDefault(s, 0L);
                    // in order, or late (mostly within the out-of-order window), never at a stored timestamp
                    long ts = switch (rnd.nextInt(20)) {
                        case 0, 1, 2 -> base - rnd.nextLong(1, WINDOW / 2);
                        case 3 -> base - rnd.nextLong(WINDOW, 3 * WINDOW);
                        default -> base + rnd.nextLong(1, 700);
                    };
                    while (model.computeIfAbsent(s, x -> new TreeMap<>()).containsKey(ts)) {
                        ts++;
                    }
                    final Sample sample = new Sample(s, ts, rnd.nextInt(1000) / 10.0);
                    log.add(sample);
                    final AppendStatus st = db.head().append(s, ts, sample.value());
                    if (st == AppendStatus.APPENDED) {
                        model.get(s).put(ts, sample.value());
                        newest.merge(s, ts, Math::max);
                    } else {
                        rejected.computeIfAbsent(s, x -> new TreeMap<>()).put(ts, sample.value());
                    }
                    next = log.size();
                }
            } else if (op < 85) {
                // the consumer's maintenance: a flush is followed by the checkpoint, or by a crash before it
                if (db.flushIfDue() > 0) {
                    flushedSinceCheckpoint = true;
                    if (rnd.nextInt(3) == 0) {
                        crashNext = true;
                    } else {
                        db.checkpoint(Map.of(0, next));
                        flushedSinceCheckpoint = false;
                    }
                }
            } else if (op < 90) {
                db.compact();
            } else if (op < 95) {
                db.checkpoint(Map.of(0, next));
                flushedSinceCheckpoint = false;
            } else {
                // kill -9: no checkpoint; blocks flushed since the last one stay on disk
                flushesBeforeCrash += flushedSinceCheckpoint ? 1 : 0;
                db.close();
                db = TimeSeriesDb.open(dir, options, new HeadMetrics(new MetricsRegistry()));
                crashes++;
                crashNext = false;
                final long from = db.recoveredOffsets().getOrDefault(0, 0L);
                for (int offset = 0; offset < log.size(); offset++) {
                    if (DuplicateFilter.alreadyApplied(offset, from)) {
                        continue;
                    }
                    final Sample r = log.get(offset);
                    final AppendStatus st = db.head().append(r.series(), r.ts(), r.value());
                    assertNotEquals(AppendStatus.CONFLICT, st, "seed=" + seed + " step=" + step + " " + r);
                    replayed.put(r.series() + "@" + r.ts(), st + " at crash " + crashes);
                }
                flushedSinceCheckpoint = false;
            }
            check(db, model, rejected, replayed, "seed=" + seed + " step=" + step);
        }
        db.close();
        System.out.println("CrashReplayTest seed=" + seed + " crashes=" + crashes + " after a flush="
            + flushesBeforeCrash);
    }

    private static void check(final TimeSeriesDb db, final Map<LabelSet, TreeMap<Long, Double>> model,
                              final Map<LabelSet, TreeMap<Long, Double>> rejected, final Map<String, String> replayed,
                              final String where)
        throws Exception {
        final TreeMap<LabelSet, TreeMap<Long, Double>> actual = new TreeMap<>();
        new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (labels, samples) -> actual.put(labels,
            toMap(samples, where)));
        final StringBuilder diff = new StringBuilder();
        for (final LabelSet s : model.keySet()) {
            final TreeMap<Long, Double> want = model.get(s);
            final TreeMap<Long, Double> got = actual.getOrDefault(s, new TreeMap<>());
            want.forEach((t, v) -> {
                if (!v.equals(got.get(t))) {
                    diff.append(' ').append(s).append(" missing ").append(t).append('=').append(v)
                        .append(" (replay: ").append(replayed.get(s + "@" + t)).append(')');
                }
            });
            got.forEach((t, v) -> {
                if (!want.containsKey(t)) {
                    // a too-old decision is not replayed exactly: the flush that raised the series' flushed time
                    // (or removed it) ran after the checkpoint, so the replay may accept the sample (never lost)
                    if (!v.equals(rejected.getOrDefault(s, new TreeMap<>()).get(t))) {
                        diff.append(' ').append(s).append(" extra ").append(t).append('=').append(v);
                    }
                }
            });
        }
        assertEquals("", diff.toString(), where);
    }

    private static TreeMap<Long, Double> toMap(final SampleBuffer b, final String where) {
        final TreeMap<Long, Double> m = new TreeMap<>();
        for (int i = 0; i < b.size(); i++) {
            if (i > 0 && b.timestampAt(i) <= b.timestampAt(i - 1)) {
                throw new AssertionError("samples not strictly increasing at " + i + " " + where);
            }
            m.put(b.timestampAt(i), Double.longBitsToDouble(b.valueBitsAt(i)));
        }
        return m;
    }
}
