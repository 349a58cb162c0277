package io.metricstream.query.eval.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryContext;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.eval.Windows;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.remote.ChunkDecoder;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.query.remote.RangeDecoding;
import io.metricstream.query.remote.SeriesSource;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Range functions' fast paths against their plain definition. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RangeFunctionsTest {
    /** Large inputs run per series on these threads, as on the service's decoding threads. */
    private static final ChunkDecoder DECODER = new ChunkDecoder(3);
    private static final SeriesSource SOURCE = new InMemorySeriesSource().runPerSeriesOn(DECODER);

    @AfterAll
    static void close() {
        DECODER.close();
    }

    @Test
    void shouldEqualWindowFunctionBitForBitWhenAvgOverTimeRunsManyWindowsAtOnce() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 30; round++) {
            final long stepMs = 1_000L * (1 + rnd.nextInt(120));
            final int steps = 1 + rnd.nextInt(400);
            final long rangeMs = 1_000L * (1 + rnd.nextInt(1_800));
            final List<RangeSeries> series = new ArrayList<>();
            final int count = 1 + rnd.nextInt(30);
            for (int i = 0; i < count; i++) {
                series.add(randomSeries(rnd, i, steps * stepMs + rangeMs));
            }
            final long[] ends = new long[steps];
            for (int i = 0; i < steps; i++) {
                ends[i] = rangeMs + i * stepMs;
            }
            final Evaluator ev = new Evaluator(new QueryContext(SOURCE, 300_000, ends[0], ends[steps - 1],
                Long.MAX_VALUE, 1_000_000, 60_000, 0), ends[0], ends[steps - 1], stepMs);
            final StepVector got = RangeFunctions.apply(ev, Function.AVG_OVER_TIME,
                new Windows(series, ends, rangeMs), null, null);
            int k = 0;
            for (final RangeSeries s : series) {
                final double[] want = new double[steps];
                final boolean[] present = new boolean[steps];
                boolean any = false;
                for (int i = 0; i < steps; i++) {
                    final int lo = windowFrom(s, ends[i] - rangeMs);
                    final int hi = windowTo(s, lo, ends[i]);
                    if (lo < hi) {
                        want[i] = WindowFunction.AVG.over(s.values(), lo, hi);
                        present[i] = true;
                        any = true;
                    }
                }
                if (!any) {
                    continue;
                }
                final StepSeries out = got.series().get(k++);
                assertEquals(s.labels().withoutMetricName(), out.labels(), "seed=" + seed);
                for (int i = 0; i < steps; i++) {
                    assertEquals(present[i], out.present()[i], "seed=" + seed + " step " + i);
                    if (present[i]) {
                        assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(out.values()[i]),
                            "seed=" + seed + " series " + s.labels() + " step " + i);
                    }
                }
            }
            assertEquals(k, got.series().size(), "seed=" + seed);
        }
    }

    @Test
    void shouldEqualPerStepWindowsBitForBitWhenRateIncreaseOrDeltaSlide() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Function[] functions = {Function.RATE, Function.INCREASE, Function.DELTA};
        int values = 0;
        for (int round = 0; round < 200; round++) {
            final long stepMs = 1_000L * (1 + rnd.nextInt(120));
            final int steps = 1 + rnd.nextInt(400);
            final long rangeMs = rnd.nextInt(20) == 0 ? 0 : 1_000L * (1 + rnd.nextInt(1_800));
            final long[] ends = new long[steps];
            for (int i = 0; i < steps; i++) {
                ends[i] = rangeMs + i * stepMs;
            }
            final RangeSeries s = counterOrRandom(rnd, steps * stepMs + rangeMs);
            final Function f = functions[rnd.nextInt(functions.length)];
            values += compareWindows(s, ends, rangeMs, stepMs, f, "seed=" + seed + " round=" + round + " " + f,
                (lo, hi, start, end) -> RangeFunctions.extrapolatedRate(s.timestamps(), s.values(), lo, hi, start,
                    end, rangeMs, f != Function.DELTA && s.mayReset(), f != Function.DELTA, f == Function.RATE));
        }
        assertTrue(values > 1_000, "only " + values + " values compared, seed=" + seed);
    }

    /**
     * The sliding rate/increase/delta (its reset scan skipped for series that never decrease, its extrapolation to
     * zero skipped where it cannot change the result) against a plain transcription of Prometheus 2.x's
     * {@code extrapolatedRate} per window, over series as scrapes make them: a regular interval with occasional
     * jitter, missed scrapes and longer gaps, counter resets, NaN and stale markers (dropped by decoding, so the
     * series runs through {@link RangeDecoding} from chunks), counters starting near zero (the extrapolation to
     * zero), and steps that are or are not multiples of the interval.
     */
    @Test
    void shouldEqualPrometheusExtrapolatedRateBitForBitOverRegularScrapes() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Function[] functions = {Function.RATE, Function.INCREASE, Function.DELTA};
        final ChunkReader reader = new ChunkReader();
        int values = 0;
        for (int round = 0; round < 300; round++) {
            final long intervalMs = 1_000L * (1 + rnd.nextInt(60));
            final long stepMs = rnd.nextBoolean() ? intervalMs * (1 + rnd.nextInt(8)) : 1_000L * (1 + rnd.nextInt(120));
            final long rangeMs = intervalMs * (2 + rnd.nextInt(40)) + (rnd.nextInt(4) == 0 ? rnd.nextInt(5_000) : 0);
            final int steps = 1 + rnd.nextInt(400);
            final long[] ends = new long[steps];
            final long first = rnd.nextLong(0, 3_600_000);
            for (int i = 0; i < steps; i++) {
                ends[i] = first + rangeMs + i * stepMs;
            }
            final RangeSeries s = RangeDecoding.decode(scrapes(rnd, intervalMs, ends[steps - 1] + intervalMs), 0,
                Long.MAX_VALUE, reader);
            final Function f = functions[rnd.nextInt(functions.length)];
            values += compareWindows(s, ends, rangeMs, stepMs, f, "seed=" + seed + " round=" + round + " " + f,
                (lo, hi, start, end) -> prometheusExtrapolatedRate(s.timestamps(), s.values(), lo, hi, start, end,
                    rangeMs, f != Function.DELTA, f == Function.RATE));
        }
        assertTrue(values > 10_000, "only " + values + " values compared, seed=" + seed);
    }

    /**
     * Prometheus 2.x's {@code extrapolatedRate} (promql/functions.go) for the window [lo, hi), transcribed as is
     * (the range in seconds as the engine computes it): NO_VALUE when it has fewer than two samples.
     */
    private static double prometheusExtrapolatedRate(final long[] ts, final double[] vs, final int lo, final int hi,
                                                     final long rangeStart, final long rangeEnd, final long rangeMs,
                                                     final boolean isCounter, final boolean isRate) {
        if (hi - lo < 2) {
            return RangeFunctions.NO_VALUE;
        }
        double resultValue = vs[hi - 1] - vs[lo];
        if (isCounter) {
            double lastValue = 0;
            for (int k = lo; k < hi; k++) {
                if (vs[k] < lastValue) {
                    resultValue += lastValue;
                }
                lastValue = vs[k];
            }
        }
        double durationToStart = (ts[lo] - rangeStart) / 1000.0;
        final double durationToEnd = (rangeEnd - ts[hi - 1]) / 1000.0;
        final double sampledInterval = (ts[hi - 1] - ts[lo]) / 1000.0;
        final double averageDurationBetweenSamples = sampledInterval / (hi - lo - 1);
        if (isCounter && resultValue > 0 && vs[lo] >= 0) {
            final double durationToZero = sampledInterval * (vs[lo] / resultValue);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        final double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        if (durationToStart < extrapolationThreshold) {
            extrapolateToInterval += durationToStart;
        } else {
            extrapolateToInterval += averageDurationBetweenSamples / 2;
        }
        if (durationToEnd < extrapolationThreshold) {
            extrapolateToInterval += durationToEnd;
        } else {
            extrapolateToInterval += averageDurationBetweenSamples / 2;
        }
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) {
            factor /= rangeMs / 1000.0;
        }
        return resultValue * factor;
    }

    /**
     * Scrapes every {@code intervalMs} from 0 to {@code spanMs} in 120-sample chunks: sometimes a few ms late, missed,
     * or after a longer gap; values a counter (small increments from near zero, resets, NaN, stale markers) or a
     * gauge.
     */
    private static SeriesChunks scrapes(final SplittableRandom rnd, final long intervalMs, final long spanMs) {
        final boolean counter = rnd.nextInt(4) != 0;
        final int jitterOneIn = rnd.nextBoolean() ? Integer.MAX_VALUE : 1 + rnd.nextInt(50);
        final ChunkWriter writer = new ChunkWriter(120);
        final BitWriter out = new BitWriter(4096);
        final List<byte[]> chunks = new ArrayList<>();
        final List<Long> mins = new ArrayList<>();
        final List<Long> maxs = new ArrayList<>();
        double c = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100_000);
        long last = -1;
        for (long t = 0; t <= spanMs; t += rnd.nextInt(200) == 0 ? intervalMs * (2 + rnd.nextInt(30)) : intervalMs) {
            if (rnd.nextInt(100) == 0) {
                continue;
            }
            final long ts = Math.max(last + 1, rnd.nextInt(jitterOneIn) == 0 ? t + rnd.nextInt(-500, 501) : t);
            c = counter ? (rnd.nextInt(300) == 0 ? rnd.nextInt(50) : c + rnd.nextInt(50)) : rnd.nextDouble() * 1e3;
            final int kind = rnd.nextInt(400);
            final double v = kind == 0 ? Double.NaN : kind == 1 ? StaleMarker.VALUE : c;
            if (writer.count() == 0) {
                mins.add(ts);
            }
            writer.append(ts, v);
            last = ts;
            if (writer.count() == 120) {
                maxs.add(ts);
                chunks.add(encode(writer, out));
            }
        }
        if (writer.count() > 0) {
            maxs.add(last);
            chunks.add(encode(writer, out));
        }
        final long[] minTimes = new long[mins.size()];
        final long[] maxTimes = new long[maxs.size()];
        for (int k = 0; k < minTimes.length; k++) {
            minTimes[k] = mins.get(k);
            maxTimes[k] = maxs.get(k);
        }
        return new SeriesChunks(LabelSet.of("__name__", "m"), minTimes, maxTimes, chunks.toArray(new byte[0][]));
    }

    private static byte[] encode(final ChunkWriter writer, final BitWriter out) {
        out.reset();
        writer.encode(out);
        writer.reset();
        return out.toByteArray();
    }

    /** A counter with resets (sometimes holding NaN or NO_VALUE's NaN) or one of {@link #randomSeries}. */
    private static RangeSeries counterOrRandom(final SplittableRandom rnd, final long spanMs) {
        final RangeSeries r = randomSeries(rnd, 0, spanMs);
        if (rnd.nextBoolean()) {
            return new RangeSeries(r.labels(), r.timestamps(), r.values(), r.size(),
                RangeSeries.mayReset(r.values(), r.size()));
        }
        final double[] vs = r.values();
        double c = rnd.nextInt(1_000);
        for (int k = 0; k < r.size(); k++) {
            c = rnd.nextInt(50) == 0 ? rnd.nextInt(100) : c + rnd.nextInt(3_000);
            vs[k] = rnd.nextInt(200) == 0 ? (rnd.nextBoolean() ? Double.NaN : RangeFunctions.NO_VALUE) : c;
        }
        return new RangeSeries(r.labels(), r.timestamps(), vs, r.size(), RangeSeries.mayReset(vs, r.size()));
    }

    /** Ascending samples over [0, spanMs]; some series hold infinities, NaN or values that overflow a mean. */
    private static RangeSeries randomSeries(final SplittableRandom rnd, final int id, final long spanMs) {
        final int capacity = rnd.nextInt(2_000);
        final long[] ts = new long[capacity];
        final double[] vs = new double[capacity];
        final int kind = rnd.nextInt(4);
        long t = rnd.nextLong(0, 60_000);
        int n = 0;
        while (n < capacity && t <= spanMs) {
            ts[n] = t;
            vs[n++] = switch (kind) {
                case 0 -> Math.round(rnd.nextDouble() * 1e4) / 100.0;
                case 1 -> rnd.nextDouble() * 1e12 - 5e11;
                case 2 -> rnd.nextInt(10) == 0 ? Double.NEGATIVE_INFINITY : rnd.nextDouble();
                default -> rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextDouble() * 1e306;
            };
            t += 1 + rnd.nextInt(30_000);
        }
        return new RangeSeries(LabelSet.of("__name__", "m", "i", Integer.toString(id)), ts, vs, n, false);
    }

    @Test
    void shouldCountOverlappingWindowsWhenEstimatingWork() {
        final long[] ts = new long[5_760];
        final double[] vs = new double[ts.length];
        for (int k = 0; k < ts.length; k++) {
            ts[k] = k * 15_000L;
        }
        final List<RangeSeries> series = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            series.add(new RangeSeries(LabelSet.of("i", Integer.toString(i)), ts, vs, ts.length, false));
        }
        final long[] ends = new long[1_441];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = i * 60_000L;
        }
        final Windows tenMinutes = new Windows(series, ends, 600_000);
        assertEquals(11 * 5_760L * 10, RangeFunctions.work(Function.AVG_OVER_TIME, tenMinutes, ends.length));
        assertTrue(RangeFunctions.work(Function.AVG_OVER_TIME, tenMinutes, ends.length)
            >= RangeFunctions.PARALLEL_MIN_WORK);
        assertEquals(11 * 5_760L, RangeFunctions.work(Function.RATE, tenMinutes, ends.length));
        assertFalse(RangeFunctions.work(Function.RATE, tenMinutes, ends.length) >= RangeFunctions.PARALLEL_MIN_WORK);
    }

    /** The expected value of the window [lo, hi) of samples, the window being (start, end]. */
    private interface WindowReference {
        double at(int lo, int hi, long start, long end);
    }

    /**
     * {@link RangeFunctions#one} of {@code f} over {@code s} at {@code ends} against {@code reference} per window, bit
     * for bit (presence included); returns how many values were compared.
     */
    private static int compareWindows(final RangeSeries s, final long[] ends, final long rangeMs, final long stepMs,
                                      final Function f, final String why, final WindowReference reference) {
        final int steps = ends.length;
        final Evaluator ev = new Evaluator(new QueryContext(null, 300_000, ends[0], ends[steps - 1],
            Long.MAX_VALUE, 1_000_000, 60_000, 0), ends[0], ends[steps - 1], stepMs);
        final StepSeries got = RangeFunctions.one(ev, f, new Windows(List.of(s), ends, rangeMs), s);
        int values = 0;
        boolean any = false;
        for (int i = 0; i < steps; i++) {
            final int lo = windowFrom(s, ends[i] - rangeMs);
            final int hi = windowTo(s, lo, ends[i]);
            final double want = reference.at(lo, hi, ends[i] - rangeMs, ends[i]);
            final boolean present = Double.doubleToRawLongBits(want)
                != Double.doubleToRawLongBits(RangeFunctions.NO_VALUE);
            any |= present;
            if (got == null) {
                continue;
            }
            assertEquals(present, got.present()[i], why + " step " + i);
            if (present) {
                values++;
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got.values()[i]),
                    why + " step " + i);
            }
        }
        assertEquals(any, got != null, why);
        return values;
    }

    /** The first sample at or after {@code start}. */
    private static int windowFrom(final RangeSeries s, final long start) {
        int lo = 0;
        while (lo < s.size() && s.timestamps()[lo] < start) {
            lo++;
        }
        return lo;
    }

    /** The first sample from {@code lo} after {@code end}. */
    private static int windowTo(final RangeSeries s, final int lo, final long end) {
        int hi = lo;
        while (hi < s.size() && s.timestamps()[hi] <= end) {
            hi++;
        }
        return hi;
    }
}
