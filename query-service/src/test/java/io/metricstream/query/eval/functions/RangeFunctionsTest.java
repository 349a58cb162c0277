package io.metricstream.query.eval.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
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
import io.metricstream.query.remote.SeriesSource;
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
        final long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("RangeFunctionsTest seed=" + seed + " (replay with -Dseed=" + seed + ")");
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
                    int lo = 0;
                    while (lo < s.size() && s.timestamps()[lo] < ends[i] - rangeMs) {
                        lo++;
                    }
                    int hi = lo;
                    while (hi < s.size() && s.timestamps()[hi] <= ends[i]) {
                        hi++;
                    }
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
        final long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("RangeFunctionsTest rate seed=" + seed + " (replay with -Dseed=" + seed + ")");
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
            final Evaluator ev = new Evaluator(new QueryContext(null, 300_000, ends[0], ends[steps - 1],
                Long.MAX_VALUE, 1_000_000, 60_000, 0), ends[0], ends[steps - 1], stepMs);
            final StepSeries got = RangeFunctions.one(ev, f, new Windows(List.of(s), ends, rangeMs), s);
            final String why = "seed=" + seed + " round=" + round + " " + f;
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                int lo = 0;
                while (lo < s.size() && s.timestamps()[lo] < ends[i] - rangeMs) {
                    lo++;
                }
                int hi = lo;
                while (hi < s.size() && s.timestamps()[hi] <= ends[i]) {
                    hi++;
                }
                final double want = RangeFunctions.extrapolatedRate(s.timestamps(), s.values(), lo, hi,
                    ends[i] - rangeMs, ends[i], rangeMs, f != Function.DELTA && s.mayReset(), f != Function.DELTA,
                    f == Function.RATE);
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
        }
        assertTrue(values > 1_000, "only " + values + " values compared, seed=" + seed);
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
}
