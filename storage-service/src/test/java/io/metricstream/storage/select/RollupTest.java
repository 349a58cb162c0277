package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.BlockWriter;
import io.metricstream.storage.block.Compactor;
import io.metricstream.storage.block.RollupWindows;
import io.metricstream.storage.block.RollupWindows.Agg;
import io.metricstream.storage.block.RollupWriter;
import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.head.MemSeries;
import io.metricstream.storage.tool.BlockInspector;
import io.metricstream.testsupport.Seeds;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollups against a brute-force aggregation of the raw samples (Prometheus {@code *_over_time} semantics:
 * stale markers skipped, NaN propagating through sum, min/max NaN only when all values are NaN), on random data
 * with NaN, stale markers, gaps and head + block mixes; after flush, deletes, compaction, tombstone cleaning and a
 * restart; plus corruption of a rollup file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RollupTest {
    private static final long H = 3_600_000L;
    private static final DbOptions OPTIONS = new DbOptions(new HeadOptions(240, 2 * H, 600_000L, 1000, 16, 256),
        0, 0, 3, 4, 0);
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    private static HeadMetrics metrics() {
        return new HeadMetrics(new MetricsRegistry());
    }

    private static long load(final TimeSeriesDb db, final SplittableRandom rnd, final int seriesCount) {
        final long t0 = 1_704_067_200_000L + rnd.nextLong(0, H);
        long end = t0;
        for (int s = 0; s < seriesCount; s++) {
            final MemSeries series = db.head().registry().getOrCreate(LabelSet.of("__name__", "m", "host", "h" + s),
                240);
            long ts = t0 + rnd.nextLong(0, 60_000);
            long last = ts;
            final long until = t0 + 60 * H + rnd.nextLong(0, 6 * H);
            while (ts < until) {
                final int kind = rnd.nextInt(100);
                final long bits;
                if (kind < 2) {
                    bits = StaleMarker.BITS;
                } else if (kind < 4) {
                    bits = Double.doubleToRawLongBits(Double.NaN);
                } else if (kind < 5) {
                    bits = Double.doubleToRawLongBits(rnd.nextBoolean() ? Double.POSITIVE_INFINITY : -1e300);
                } else if (kind < 60) {
                    bits = Double.doubleToRawLongBits(rnd.nextInt(-500, 500));
                } else {
                    bits = Double.doubleToRawLongBits(rnd.nextDouble() * 1000 - 300);
                }
                db.head().append(series, ts, bits);
                last = ts;
                ts += rnd.nextInt(50) == 0 ? rnd.nextLong(H, 3 * H) : rnd.nextLong(5_000, 120_000);
            }
            // the newest sample, not the next step past it (up to 3 h later): a flush 2 h before it leaves it in the
            // head, which head GC would otherwise empty of every series
            end = Math.max(end, last);
        }
        return end;
    }

    @Test
    void shouldEqualBruteForceAggregationWhenFlushedDeletedCompactedCleanedAndReopened() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        final long end = load(db, rnd, 6);
        db.flush(Math.floorDiv(end, 2 * H) * 2 * H - 2 * H);
        assertTrue(db.head().sampleCount() > 0 && !db.blocks().isEmpty(), "head and blocks both hold data");
        for (final Block b : db.blocks()) {
            assertTrue(Files.exists(b.dir().resolve("rollup-5m")) && Files.exists(b.dir().resolve("rollup-1h")));
        }
        assertTrue(check(db, rnd) > 0, "rollup files served windows after the flush");
        db.delete(List.of(LabelSet.of("__name__", "m", "host", "h1"), LabelSet.of("__name__", "m", "host", "h2")),
            db.blocks().getFirst().meta().minTimeMs() + 7 * 60_000, db.blocks().getFirst().meta().minTimeMs() + 5 * H);
        check(db, rnd);
        assertTrue(db.compact() > 0, "compaction ran");
        check(db, rnd);
        assertTrue(db.cleanTombstones(Map.of()) > 0, "blocks rewritten");
        final long served = check(db, rnd);
        assertTrue(served > 0, "rollups served after clean_tombstones");
        db.checkpoint(Map.of());
        db.close();
        db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        assertTrue(check(db, rnd) > 0, "rollups served after restart");
        db.flush(Long.MAX_VALUE);
        db.compact();
        assertTrue(check(db, rnd) > 0);
        db.close();
    }

    /** Checks random ranges at both resolutions and every aggregate; returns the windows read from rollup files. */
    private static long check(final TimeSeriesDb db, final SplittableRandom rnd) throws Exception {
        final Querier q = new Querier(db);
        final List<long[]> ranges = new ArrayList<>();
        ranges.add(new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        final long lo = db.blocks().getFirst().meta().minTimeMs() - H;
        for (int i = 0; i < 12; i++) {
            final long a = lo + rnd.nextLong(0, 70 * H);
            final long b = rnd.nextBoolean() ? a + rnd.nextLong(0, 72 * H) : Math.floorDiv(a, H) * H + 10 * H - 1;
            ranges.add(new long[] {a, b});
        }
        for (final long[] r : ranges) {
            for (final long res : RollupWriter.RESOLUTIONS) {
                final TreeMap<LabelSet, List<double[]>> expected = new TreeMap<>();
                q.select(ALL, r[0], r[1], 0, (labels, samples) -> {
                    final List<double[]> w = bruteForce(samples.timestamps(), samples.valueBits(), samples.size(), res);
                    if (!w.isEmpty()) {
                        expected.put(labels, w);
                    }
                });
                final TreeMap<LabelSet, List<double[]>> actual = new TreeMap<>();
                q.selectRollup(ALL, r[0], r[1], res, 0, (labels, windows) -> actual.put(labels, copy(windows)));
                assertEquals(expected.keySet(), actual.keySet(), "series of range " + r[0] + ".." + r[1]);
                for (final LabelSet l : expected.keySet()) {
                    compare(expected.get(l), actual.get(l), l + " res=" + res + " range " + r[0] + ".." + r[1]);
                }
            }
        }
        return q.rollupWindowsRead();
    }

    /** [start, min, max, sum, count, last, lastTs] per window, computed naively. */
    private static List<double[]> bruteForce(final long[] ts, final long[] bits, final int n, final long res) {
        final List<double[]> out = new ArrayList<>();
        int i = 0;
        while (i < n) {
            final long w = Math.floorDiv(ts[i], res) * res;
            final List<Double> vals = new ArrayList<>();
            long lastTs = 0;
            for (; i < n && Math.floorDiv(ts[i], res) * res == w; i++) {
                if (bits[i] != StaleMarker.BITS) {
                    vals.add(Double.longBitsToDouble(bits[i]));
                    lastTs = ts[i];
                }
            }
            if (vals.isEmpty()) {
                continue;
            }
            double min = vals.getFirst();
            double max = vals.getFirst();
            double sum = 0;
            for (final double v : vals) {
                if (v < min || Double.isNaN(min)) {
                    min = v;
                }
                if (v > max || Double.isNaN(max)) {
                    max = v;
                }
                sum += v;
            }
            out.add(new double[] {w, min, max, sum, vals.size(), vals.getLast(), lastTs});
        }
        return out;
    }

    private static List<double[]> copy(final RollupWindows w) {
        final List<double[]> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            out.add(new double[] {w.startAt(i), w.value(i, Agg.MIN), w.value(i, Agg.MAX), w.value(i, Agg.SUM),
                w.value(i, Agg.COUNT), w.value(i, Agg.LAST), w.lastTimestampAt(i)});
        }
        return out;
    }

    private static void compare(final List<double[]> expected, final List<double[]> actual, final String what) {
        assertEquals(expected.size(), actual.size(), "window count of " + what);
        for (int i = 0; i < expected.size(); i++) {
            final double[] e = expected.get(i);
            final double[] a = actual.get(i);
            final String at = what + " window " + (long) e[0];
            for (final int k : new int[] {0, 1, 2, 4, 5, 6}) {
                assertEquals(0, Double.compare(e[k], a[k]), at + " column " + k + ": " + e[k] + " vs " + a[k]);
            }
            final boolean sumOk = Double.compare(e[3], a[3]) == 0
                || Math.abs(e[3] - a[3]) <= 1e-9 * Math.max(1, Math.abs(e[3]));
            assertTrue(sumOk, at + " sum " + e[3] + " vs " + a[3]);
        }
    }

    private static BlockWriter.SeriesChunks series(final LabelSet labels, final long from, final long to,
                                                   final long step, final double sign) {
        final SampleBuffer b = new SampleBuffer(1024);
        for (long t = from; t < to; t += step) {
            b.add(t, Double.doubleToRawLongBits(sign * (t / step % 97)));
        }
        return new BlockWriter.SeriesChunks(labels, Compactor.rechunk(b, new ChunkWriter(240), new BitWriter(1024),
            240));
    }

    @Test
    void shouldAggregateRawSamplesWhenBlocksOverlapInTime() throws Exception {
        final Path blocks = dir.resolve("blocks");
        Files.createDirectories(blocks);
        final LabelSet a = LabelSet.of("__name__", "m", "host", "a");
        final long t0 = 1_704_067_200_000L;
        BlockWriter.write(blocks, "1700000000000-0000", List.of(series(a, t0, t0 + 3 * H, 30_000, 1)), 1, List.of());
        BlockWriter.write(blocks, "1700000000000-0001", List.of(series(a, t0 + H + 15_000, t0 + 5 * H, 45_000, -1)),
            1, List.of());
        TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        final SplittableRandom rnd = new SplittableRandom(7);
        assertEquals(0, check(db, rnd), "overlapping blocks never serve rollups (duplicates would count twice)");
        db.close();
        BlockWriter.write(blocks, "1700000000000-0002", List.of(series(a, t0 + 10 * H, t0 + 12 * H, 10_000, 1)), 1,
            List.of());
        db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        assertTrue(check(db, rnd) > 0, "the block overlapping nothing serves its rollups");
        db.close();
    }

    @Test
    void shouldNameFileAndOffsetWhenRollupRecordIsCorrupt() throws Exception {
        final SplittableRandom rnd = new SplittableRandom(42);
        TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        load(db, rnd, 2);
        db.flush(Long.MAX_VALUE);
        final Path file = db.blocks().getFirst().dir().resolve("rollup-5m");
        db.close();
        final long ref;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(RollupWriter.HEADER);
            ref = raf.readLong();
            raf.seek(ref + 20);
            final int b = raf.read();
            raf.seek(ref + 20);
            raf.write(b ^ 0x5A);
        }
        db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        final Querier q = new Querier(db);
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class,
            () -> q.selectRollup(ALL, Long.MIN_VALUE, Long.MAX_VALUE, RollupWriter.RES_5M, 0, (l, w) -> { }));
        assertEquals(file.toString(), e.source());
        assertEquals(ref, e.offset());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        db.close();
        final StringBuilder report = new StringBuilder();
        BlockInspector.inspect(file.getParent(), report);
        assertTrue(report.toString().contains("rollup-5m windows=") && report.toString().contains("corruptSeries=1")
            && report.toString().contains("offset=" + ref), report.toString());
        assertTrue(report.toString().contains("rollup-1h windows=") && report.toString().contains("corruptSeries=0"),
            report.toString());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(RollupWriter.HEADER - 1);
        }
        final ChunkCorruptException open = assertThrows(ChunkCorruptException.class,
            () -> TimeSeriesDb.open(dir, OPTIONS, metrics()));
        assertEquals(file.toString(), open.source());
        assertEquals(0, open.offset());
    }
}
