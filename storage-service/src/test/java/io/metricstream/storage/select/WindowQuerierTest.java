package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.testsupport.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SELECT_WINDOWS against brute force over the raw samples ({@link WindowFunction#over} per window over the non-stale
 * samples SELECT returns): exact for MIN, MAX, COUNT and LAST; SUM and AVG within 1e-12 of the magnitude (sum of
 * absolute values; their mean for AVG) when rollups served part of a window, bit-identical when none could. Seeded
 * random data over rollup-carrying blocks, the head, out-of-order appends and tombstones; random ranges, steps
 * (0 included) and windows reaching beyond the data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WindowQuerierTest {
    private static final long H = 3_600_000L;
    private static final long[] RANGES = {1_000L, 60_000L, 300_000L, 299_999L, 600_000L, H, H + 1, 3 * H, 6 * H};
    private static final long[] STEPS = {0L, 15_000L, 60_000L, 300_000L, H, 2 * H};

    @TempDir
    Path dir;

    private static DbOptions options(final long rollupMinSpanMs) {
        return new DbOptions(new HeadOptions(120, 2 * H, 15 * 60_000L, 1000, 16, 256), 0, 0, 3, 4, rollupMinSpanMs);
    }

    @Test
    void shouldMatchBruteForceWhenRollupsServeWholeBucketsInsideWindows() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        try (TimeSeriesDb db = TimeSeriesDb.open(dir.resolve("db"), options(0),
            new HeadMetrics(new MetricsRegistry()))) {
            final long newest = RandomDb.fill(db, rnd, 6, 30, 15 * 60_000L, true);
            assertTrue(!db.blocks().isEmpty() && db.head().registry().size() > 0, "blocks and head both hold data");
            for (final Block b : db.blocks()) {
                assertTrue(b.rollup(3_600_000L) != null && b.rollup(300_000L) != null, "rollups in " + b.dir());
            }
            long fromRollups = 0;
            for (int q = 0; q < 120; q++) {
                fromRollups += check(db, request(rnd, newest), seed, q, false);
            }
            System.out.println("WindowQuerierTest windows served partly from rollups: " + fromRollups);
            assertTrue(fromRollups > 0, "seed=" + seed + ": rollups served windows");
        }
    }

    @Test
    void shouldBeBitIdenticalToBruteForceWhenNoRollupServes() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        try (TimeSeriesDb db = TimeSeriesDb.open(dir.resolve("db"), options(Long.MAX_VALUE),
            new HeadMetrics(new MetricsRegistry()))) {
            final long newest = RandomDb.fill(db, rnd, 6, 20, 15 * 60_000L, rnd.nextBoolean());
            for (int q = 0; q < 120; q++) {
                assertEquals(0, check(db, request(rnd, newest), seed, q, true), "no rollup file exists");
            }
        }
    }

    @Test
    void shouldBeBitIdenticalToBruteForceWhenWindowsFoldWholeChunks() throws Exception {
        foldWholeChunks(true);
    }

    @Test
    void shouldBeBitIdenticalToBruteForceWhenHeadOnlySeriesFoldWholeChunks() throws Exception {
        foldWholeChunks(false);
    }

    private void foldWholeChunks(final boolean flush) throws Exception {
        final long seed = Seeds.seed("WindowQuerierTest.foldWholeChunks" + (flush ? "Flushed" : "InHead"));
        final SplittableRandom rnd = new SplittableRandom(seed);
        try (TimeSeriesDb db = TimeSeriesDb.open(dir.resolve("db"), options(Long.MAX_VALUE),
            new HeadMetrics(new MetricsRegistry()))) {
            final long newest = fillInOrder(db, rnd, 6, flush ? 30 : 12, flush);
            final long[] ranges = {H, 90 * 60_000L, 3 * H, 6 * H, 24 * H, 40 * H};
            long direct = 0;
            long whole = 0;
            for (int n = 0; n < 150; n++) {
                final long range = ranges[rnd.nextInt(ranges.length)];
                // step >= range (windows share at most an end point) or 0: the chunk-folding path
                final long step = rnd.nextInt(5) == 0 ? 0 : range + (rnd.nextBoolean() ? 0 : rnd.nextLong(0, 2 * H));
                final int steps = rnd.nextInt(1, 40);
                final long firstEnd = RandomDb.T0 - H + rnd.nextLong(0, newest - RandomDb.T0 + 2 * H);
                final WindowFunction fn = WindowFunction.values()[rnd.nextInt(WindowFunction.values().length)];
                final WindowRequest q = new WindowRequest(firstEnd, step, steps, range, fn, 0,
                    RandomDb.matchers(rnd, 6));
                final WindowQuerier querier = new WindowQuerier(db);
                check(db, q, seed, n, true, querier);
                direct += querier.seriesFromChunks();
                whole += querier.wholeChunksFolded();
            }
            System.out.println("WindowQuerierTest series folded from chunks " + direct + ", whole chunks " + whole);
            assertTrue(direct > 0 && whole > 0, "seed=" + seed + ": the chunk-folding path ran");
        }
    }

    /**
     * Appends in time order (no out-of-order samples, no tombstones), flushing and compacting now and then: series
     * 0-1 two-decimal random walks (DECIMAL chunks), 2-3 integers, 4 decimals with stale markers, NaN, ±Inf and -0.0
     * (XOR chunks holding stale markers), 5 random doubles; some of the newest data stays in the head (all of it
     * without {@code flush}).
     */
    private static long fillInOrder(final TimeSeriesDb db, final SplittableRandom rnd, final int seriesCount,
                                    final long hours, final boolean flush) throws java.io.IOException {
        final List<LabelSet> labels = RandomDb.series(seriesCount);
        final List<io.metricstream.storage.head.MemSeries> series = new ArrayList<>();
        final long[] cents = new long[seriesCount];
        for (int s = 0; s < seriesCount; s++) {
            series.add(db.head().registry().getOrCreate(labels.get(s), 240));
        }
        final double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0};
        long newest = RandomDb.T0;
        for (long t = RandomDb.T0; t < RandomDb.T0 + hours * H; t += 15_000) {
            for (int s = 0; s < seriesCount; s++) {
                cents[s] += rnd.nextInt(-50, 51);
                final long bits = switch (s) {
                    case 0, 1 -> Double.doubleToRawLongBits(cents[s] / 100.0);
                    case 2, 3 -> Double.doubleToRawLongBits(cents[s]);
                    case 4 -> rnd.nextInt(40) == 0 ? StaleMarker.BITS : rnd.nextInt(40) == 0
                        ? Double.doubleToRawLongBits(special[rnd.nextInt(special.length)])
                        : Double.doubleToRawLongBits(cents[s] / 100.0);
                    default -> Double.doubleToRawLongBits(rnd.nextDouble() * 100);
                };
                if (rnd.nextInt(50) != 0) {
                    db.head().append(series.get(s), t + s, bits);
                }
            }
            newest = t + seriesCount;
            if (!flush) {
                continue;
            }
            if (rnd.nextInt(600) == 0) {
                db.flush(newest - rnd.nextLong(0, 3 * H));
            } else if (rnd.nextInt(1500) == 0) {
                db.compact();
            }
        }
        if (flush) {
            db.flush(newest - 2 * H);
        }
        return newest;
    }

    @Tag("integration")
    @Test
    void shouldAnswerThroughServerWhenClientSelectsWindows() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        try (TimeSeriesDb db = TimeSeriesDb.open(dir.resolve("db"), options(0), new HeadMetrics(new MetricsRegistry()));
             SelectServer server = new SelectServer(db, dir.resolve("server"), 1024)) {
            final long newest = RandomDb.fill(db, rnd, 6, 12, 15 * 60_000L, false);
            for (int q = 0; q < 20; q++) {
                final WindowRequest request = request(rnd, newest);
                final List<SeriesWindows> want = new ArrayList<>();
                new WindowQuerier(db).select(request, (labels, steps, values, n) -> want.add(
                    new SeriesWindows(labels, Arrays.copyOf(steps, n), Arrays.copyOf(values, n))));
                final List<SeriesWindows> got = server.client().selectWindows(request).get();
                assertEquals(want.size(), got.size(), "seed=" + seed + " query " + q);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i).labels(), got.get(i).labels());
                    assertArrayEquals(want.get(i).steps(), got.get(i).steps());
                    assertArrayEquals(bits(want.get(i).values()), bits(got.get(i).values()));
                }
            }
            final ExecutionException tooMany = assertThrows(ExecutionException.class, () -> server.client()
                .selectWindows(new WindowRequest(newest, 0, 1, H, WindowFunction.SUM, 1,
                    List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")))).get());
            assertEquals(ErrorCode.LIMIT_EXCEEDED, ((ContractException) tooMany.getCause()).code());
        }
    }

    private static WindowRequest request(final SplittableRandom rnd, final long newest) {
        final long range = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 8 * H) : RANGES[rnd.nextInt(RANGES.length)];
        final long step = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 3 * H) : STEPS[rnd.nextInt(STEPS.length)];
        final int steps = rnd.nextInt(1, 400);
        final long firstEnd = RandomDb.T0 - 2 * H + rnd.nextLong(0, newest - RandomDb.T0 + 4 * H);
        final WindowFunction fn = WindowFunction.values()[rnd.nextInt(WindowFunction.values().length)];
        return new WindowRequest(firstEnd, step, steps, range, fn, 0, RandomDb.matchers(rnd, 6));
    }

    /** Checks one request against brute force; returns the windows served partly from rollups. */
    private static long check(final TimeSeriesDb db, final WindowRequest q, final long seed, final int n,
                              final boolean exact) throws Exception {
        return check(db, q, seed, n, exact, new WindowQuerier(db));
    }

    private static long check(final TimeSeriesDb db, final WindowRequest q, final long seed, final int n,
                              final boolean exact, final WindowQuerier querier) throws Exception {
        final List<SeriesWindows> want = bruteForce(db, q);
        final List<SeriesWindows> got = new ArrayList<>();
        querier.select(q, (labels, steps, values, count) -> got.add(
            new SeriesWindows(labels, Arrays.copyOf(steps, count), Arrays.copyOf(values, count))));
        final String what = "seed=" + seed + " query " + n + " " + q;
        assertEquals(want.size(), got.size(), what);
        final boolean approximate = !exact
            && (q.function() == WindowFunction.SUM || q.function() == WindowFunction.AVG);
        for (int i = 0; i < want.size(); i++) {
            final SeriesWindows w = want.get(i);
            final SeriesWindows g = got.get(i);
            assertEquals(w.labels(), g.labels(), what);
            assertArrayEquals(w.steps(), g.steps(), what + " " + w.labels());
            for (int p = 0; p < w.size(); p++) {
                final double a = w.values()[p];
                final double b = g.values()[p];
                if (approximate) {
                    final double scale = magnitude(db, q, w.labels(), w.steps()[p]);
                    assertTrue(Double.isNaN(a) ? Double.isNaN(b) : Math.abs(a - b) <= 1e-12 * scale,
                        what + " " + w.labels() + " step " + w.steps()[p] + ": want " + a + " got " + b);
                } else if (!(Double.isNaN(a) && Double.isNaN(b))) {
                    // bit for bit, except NaN payloads: Java leaves an operation's NaN payload unspecified (on x86
                    // Inf + -Inf gives a negative NaN, and NaN + NaN keeps the payload of whichever operand the JIT
                    // put first), so two compilations of the same left-to-right sum may differ there
                    assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b),
                        what + " " + w.labels() + " step " + w.steps()[p] + ": want " + a + " got " + b);
                }
            }
        }
        return querier.windowsFromRollups();
    }

    private static List<SeriesWindows> bruteForce(final TimeSeriesDb db, final WindowRequest q) throws Exception {
        final List<SeriesWindows> out = new ArrayList<>();
        new Querier(db).select(q.matchers(), q.minTimeMs(), q.maxTimeMs(), 0, (labels, samples) -> {
            final long[] ts = new long[samples.size()];
            final double[] vs = new double[samples.size()];
            int m = 0;
            for (int i = 0; i < samples.size(); i++) {
                if (samples.valueBitsAt(i) != StaleMarker.BITS) {
                    ts[m] = samples.timestampAt(i);
                    vs[m++] = Double.longBitsToDouble(samples.valueBitsAt(i));
                }
            }
            final int[] steps = new int[q.stepCount()];
            final double[] values = new double[q.stepCount()];
            int points = 0;
            for (int i = 0; i < q.stepCount(); i++) {
                int from = 0;
                while (from < m && ts[from] < q.endMs(i) - q.rangeMs()) {
                    from++;
                }
                int to = from;
                while (to < m && ts[to] <= q.endMs(i)) {
                    to++;
                }
                if (to > from) {
                    steps[points] = i;
                    values[points++] = q.function().over(vs, from, to);
                }
            }
            if (points > 0) {
                out.add(new SeriesWindows(labels, Arrays.copyOf(steps, points), Arrays.copyOf(values, points)));
            }
        });
        return out;
    }

    /** Sum of |v| over window {@code step} of {@code labels} (its mean for AVG): the scale summation order moves. */
    private static double magnitude(final TimeSeriesDb db, final WindowRequest q, final LabelSet labels,
                                    final int step) throws Exception {
        final double[] sum = new double[2];
        final List<LabelMatcher> exact = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            exact.add(LabelMatcher.eq(labels.name(i), labels.value(i)));
        }
        new Querier(db).select(exact, q.endMs(step) - q.rangeMs(), q.endMs(step), 0, (l, samples) -> {
            for (int i = 0; i < samples.size(); i++) {
                if (samples.valueBitsAt(i) != StaleMarker.BITS) {
                    sum[0] += Math.abs(Double.longBitsToDouble(samples.valueBitsAt(i)));
                    sum[1]++;
                }
            }
        });
        return q.function() == WindowFunction.AVG ? sum[0] / sum[1] : sum[0];
    }

    private static long[] bits(final double[] values) {
        final long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }
}
