package io.metricstream.query.eval.functions;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.eval.RangeSeries;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.eval.Windows;
import io.metricstream.query.promql.ast.Function;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Functions over a range vector ({@code rate}, {@code *_over_time}, ...): for every series, a two-pointer window
 * slides over the raw sample arrays step by step, so each sample is visited a constant number of times per step
 * move and nothing is boxed. Numeric behaviour follows Prometheus 2.x ({@code extrapolatedRate}, Welford variance,
 * Kahan-summed linear regression).
 */
public final class RangeFunctions {
    /** Returned by a window computation that yields no sample (quiet NaN with a payload; compared by bits). */
    static final double NO_VALUE = Double.longBitsToDouble(0x7ff8_dead_beef_0001L);
    private static final long NO_VALUE_BITS = Double.doubleToRawLongBits(NO_VALUE);

    private RangeFunctions() {
    }

    /**
     * The storage window function computing {@code f} ({@code min/max/sum/count/avg/last_over_time}), or null. These
     * six are evaluated with {@link WindowFunction#over}, the arithmetic storage uses, so a pushed-down window and
     * one computed here agree bit for bit.
     */
    public static WindowFunction windowFunction(final Function f) {
        return switch (f) {
            case MIN_OVER_TIME -> WindowFunction.MIN;
            case MAX_OVER_TIME -> WindowFunction.MAX;
            case SUM_OVER_TIME -> WindowFunction.SUM;
            case COUNT_OVER_TIME -> WindowFunction.COUNT;
            case AVG_OVER_TIME -> WindowFunction.AVG;
            case LAST_OVER_TIME -> WindowFunction.LAST;
            default -> null;
        };
    }

    /**
     * Below this much work (sample visits, see {@link #work}) a range function runs on the calling thread; above,
     * series are split over the source's decoding threads and the calling thread. 200k visits is ~1 ms of window
     * work, where the fork/join overhead (~50 µs) stops mattering.
     */
    static final long PARALLEL_MIN_WORK = 200_000;

    /**
     * Applies {@code f} to every window. {@code a1}/{@code a2} are per-step scalar arguments (quantile,
     * predict_linear's duration, holt_winters' factors) or null. Series are independent, so large inputs are
     * evaluated in parallel ({@link io.metricstream.query.remote.SeriesSource#forEachSeries}); the output keeps the
     * input order.
     */
    public static StepVector apply(final Evaluator ev, final Function f, final Windows w, final double[] a1,
                                   final double[] a2) {
        final int steps = ev.steps();
        final List<RangeSeries> in = w.series();
        final StepSeries[] results = new StepSeries[in.size()];
        if (work(f, w, steps) >= PARALLEL_MIN_WORK && in.size() > 1) {
            // on the source's decoding threads (started with the service, compiled by its warm-up), not a parallel
            // stream's common pool, whose threads were started cold by a user's first large query
            ev.ctx().source().forEachSeries(in.size(), k -> results[k] = one(ev, f, w, in.get(k), a1, a2));
        } else {
            for (int k = 0; k < in.size(); k++) {
                results[k] = one(ev, f, w, in.get(k), a1, a2);
            }
        }
        return collect(ev, results);
    }

    /**
     * Most steps an avg_over_time window may span for it to be fused ({@link #fusable}): its window means then cost
     * at most about twice the decoding (Q2's 10-minute windows at a 60 s step span 10: 0.8 ms of means against
     * 0.5 ms of decoding for its 10 series).
     */
    static final long FUSED_AVG_MAX_WINDOW_STEPS = 16;

    /**
     * Whether {@code f} takes no scalar argument and its work is about linear in the samples, like decoding them,
     * so it is evaluated on the decoding threads right after each series is decoded
     * ({@link Evaluator#rangeFunctionFused}), from the threads' reused sample arrays, while the samples are in cache:
     * rate, increase, delta, irate, idelta, last/count/present_over_time (constant work per window), and
     * avg_over_time over windows of at most {@link #FUSED_AVG_MAX_WINDOW_STEPS} steps of {@code stepMs} (0 for an
     * instant query: one window). Functions that scan longer windows keep {@link #apply}, which spreads their work by
     * its own estimate.
     */
    public static boolean fusable(final Function f, final long rangeMs, final long stepMs) {
        return switch (f) {
            case RATE, INCREASE, DELTA, IRATE, IDELTA, LAST_OVER_TIME, COUNT_OVER_TIME, PRESENT_OVER_TIME -> true;
            case AVG_OVER_TIME -> stepMs <= 0 || rangeMs <= FUSED_AVG_MAX_WINDOW_STEPS * stepMs;
            default -> false;
        };
    }

    /** {@code f} (without scalar arguments) over every window of one series; null when none yields a value. */
    public static StepSeries one(final Evaluator ev, final Function f, final Windows w, final RangeSeries s) {
        return one(ev, f, w, s, null, null);
    }

    /**
     * The per-series results (nulls skipped) as a vector, in order; two with the same labels fail the query as
     * Prometheus does. Accounts the output samples.
     */
    public static StepVector collect(final Evaluator ev, final StepSeries[] results) {
        final int steps = ev.steps();
        final List<StepSeries> out = new ArrayList<>(results.length);
        final Set<LabelSet> seen = new HashSet<>();
        for (final StepSeries s : results) {
            if (s == null) {
                continue;
            }
            if (!seen.add(s.labels())) {
                throw QueryException.execution("vector cannot contain metrics with the same labelset");
            }
            out.add(s);
        }
        ev.ctx().addSamples((long) out.size() * steps);
        return new StepVector(steps, out);
    }

    /**
     * Sample visits of evaluating {@code f} over {@code w}: every sample once for the sliding pointers, and for
     * functions that scan their whole window (all but rate/increase/delta/irate/idelta and the constant-time ones)
     * once more per window holding it, about {@code rangeMs / stepMs} times when windows overlap.
     */
    static long work(final Function f, final Windows w, final int steps) {
        long samples = 0;
        for (final RangeSeries s : w.series()) {
            samples += s.size();
        }
        final boolean scans = switch (f) {
            case RATE, INCREASE, DELTA, IRATE, IDELTA, LAST_OVER_TIME, COUNT_OVER_TIME, PRESENT_OVER_TIME -> false;
            default -> true;
        };
        if (!scans || steps < 2) {
            return samples;
        }
        final long stepMs = Math.max(1, (w.ends()[steps - 1] - w.ends()[0]) / (steps - 1));
        return samples * Math.max(1, w.rangeMs() / stepMs);
    }

    /** The function over every window of one series; null when no window yields a value. */
    private static StepSeries one(final Evaluator ev, final Function f, final Windows w, final RangeSeries s,
                                  final double[] a1, final double[] a2) {
        if (f == Function.AVG_OVER_TIME && meansInRange(s.values(), s.size())) {
            return avgOverTime(ev, w, s);
        }
        if (f == Function.RATE || f == Function.INCREASE || f == Function.DELTA) {
            return extrapolated(ev, f, w, s);
        }
        final int steps = ev.steps();
        final long[] ends = w.ends();
        final long range = w.rangeMs();
        final long[] ts = s.timestamps();
        final double[] vs = s.values();
        final int n = s.size();
        final boolean decreases = s.mayReset();
        final double[] scratch = f == Function.QUANTILE_OVER_TIME ? new double[n] : null;
        double[] values = null;
        boolean[] present = null;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < steps; i++) {
            final long end = ends[i];
            final long start = end - range;
            hi = windowEnd(ts, n, hi, end);
            lo = windowStart(ts, n, lo, start);
            if (lo >= hi) {
                continue;
            }
            final double v = compute(f, ts, vs, lo, hi, start, end, range, ev.time(i), a1 == null ? 0 : a1[i],
                a2 == null ? 0 : a2[i], scratch, decreases);
            if (Double.doubleToRawLongBits(v) == NO_VALUE_BITS) {
                continue;
            }
            if (values == null) {
                values = new double[steps];
                present = new boolean[steps];
            }
            values[i] = v;
            present[i] = true;
        }
        if (values == null) {
            return null;
        }
        final LabelSet labels = f == Function.LAST_OVER_TIME ? s.labels() : s.labels().withoutMetricName();
        return new StepSeries(labels, values, present);
    }

    /**
     * The first index from {@code hi} on whose timestamp is after {@code end} (the window's exclusive end). Windows
     * slide forward from the previous step's bounds in strides of 4 first (timestamps ascend, so the 4th in bounds
     * means all 4 are): a step usually moves the window by several samples, and the regular stride is predicted where
     * the one-by-one scan's exit mispredicts every step.
     */
    private static int windowEnd(final long[] ts, final int n, final int hi, final long end) {
        int h = hi;
        while (h + 4 <= n && ts[h + 3] <= end) {
            h += 4;
        }
        while (h < n && ts[h] <= end) {
            h++;
        }
        return h;
    }

    /** The first index from {@code lo} on whose timestamp is at or after {@code start} (see {@link #windowEnd}). */
    private static int windowStart(final long[] ts, final int n, final int lo, final long start) {
        int l = lo;
        while (l + 4 <= n && ts[l + 3] < start) {
            l += 4;
        }
        while (l < n && ts[l] < start) {
            l++;
        }
        return l;
    }

    /**
     * rate, increase and delta over every window: {@link #one}'s sliding window with {@link #extrapolatedRate}
     * called directly (small enough to inline, where the generic per-step {@link #compute} switch is not) and the
     * range in seconds computed once per series.
     */
    private static StepSeries extrapolated(final Evaluator ev, final Function f, final Windows w,
                                           final RangeSeries s) {
        final int steps = ev.steps();
        final long[] ends = w.ends();
        final long range = w.rangeMs();
        final long[] ts = s.timestamps();
        final double[] vs = s.values();
        final int n = s.size();
        final boolean isCounter = f != Function.DELTA;
        final boolean mayReset = isCounter && s.mayReset();
        final boolean isRate = f == Function.RATE;
        final double rangeSeconds = range / 1000.0;
        double[] values = null;
        boolean[] present = null;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < steps; i++) {
            final long end = ends[i];
            final long start = end - range;
            hi = windowEnd(ts, n, hi, end);
            lo = windowStart(ts, n, lo, start);
            if (hi - lo < 2) {
                continue;
            }
            final double v = extrapolatedRate(ts, vs, lo, hi, start, end, rangeSeconds, mayReset, isCounter, isRate);
            if (Double.doubleToRawLongBits(v) == NO_VALUE_BITS) {
                // a NaN input with NO_VALUE's payload propagates: skipped, as one does
                continue;
            }
            if (values == null) {
                values = new double[steps];
                present = new boolean[steps];
            }
            values[i] = v;
            present[i] = true;
        }
        if (values == null) {
            return null;
        }
        return new StepSeries(s.labels().withoutMetricName(), values, present);
    }

    private static boolean meansInRange(final double[] vs, final int n) {
        for (int k = 0; k < n; k++) {
            if (!WindowMeans.inRange(vs[k])) {
                return false;
            }
        }
        return true;
    }

    /**
     * avg_over_time of a series whose values are all {@link WindowMeans#inRange} (0, or finite, far from overflow
     * and from subnormals), many windows at a time ({@link WindowMeans}). Each window runs exactly
     * {@link WindowFunction#over}'s arithmetic ({@code mean += v / count - mean / count}; its infinity rules cannot
     * apply to such values), so results are
     * bit-identical; running independent division chains side by side lets the CPU overlap them (one chain is
     * latency-bound) and vectorize them.
     */
    private static StepSeries avgOverTime(final Evaluator ev, final Windows w, final RangeSeries s) {
        final int steps = ev.steps();
        final long[] ends = w.ends();
        final long range = w.rangeMs();
        final long[] ts = s.timestamps();
        final double[] vs = s.values();
        final int n = s.size();
        final WindowMeans means = WindowMeans.get();
        final int[] los = means.windowStarts(steps);
        final int[] his = means.windowEnds();
        final int[] at = means.windowOutAt();
        int windows = 0;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < steps; i++) {
            final long end = ends[i];
            while (hi < n && ts[hi] <= end) {
                hi++;
            }
            while (lo < n && ts[lo] < end - range) {
                lo++;
            }
            if (lo < hi) {
                los[windows] = lo;
                his[windows] = hi;
                at[windows++] = i;
            }
        }
        if (windows == 0) {
            return null;
        }
        final double[] values = new double[steps];
        final boolean[] present = new boolean[steps];
        means.averages(vs, los, his, windows, values, at);
        for (int j = 0; j < windows; j++) {
            present[at[j]] = true;
        }
        return new StepSeries(s.labels().withoutMetricName(), values, present);
    }

    private static double compute(final Function f, final long[] ts, final double[] vs, final int lo, final int hi,
                                  final long start, final long end, final long range, final long evalTime,
                                  final double a1, final double a2, final double[] scratch,
                                  final boolean decreases) {
        return switch (f) {
            case RATE, INCREASE, DELTA -> throw new IllegalArgumentException("evaluated by extrapolated: " + f);
            case IRATE -> instantDelta(ts, vs, lo, hi, true);
            case IDELTA -> instantDelta(ts, vs, lo, hi, false);
            case DERIV -> hi - lo < 2 ? NO_VALUE : linearRegression(ts, vs, lo, hi, ts[lo], true, 0);
            case PREDICT_LINEAR -> hi - lo < 2 ? NO_VALUE : linearRegression(ts, vs, lo, hi, evalTime, false, a1);
            case RESETS, CHANGES -> changes(vs, lo, hi, f == Function.RESETS);
            case AVG_OVER_TIME -> WindowFunction.AVG.over(vs, lo, hi);
            case SUM_OVER_TIME -> WindowFunction.SUM.over(vs, lo, hi);
            case COUNT_OVER_TIME -> WindowFunction.COUNT.over(vs, lo, hi);
            case MIN_OVER_TIME -> WindowFunction.MIN.over(vs, lo, hi);
            case MAX_OVER_TIME -> WindowFunction.MAX.over(vs, lo, hi);
            case LAST_OVER_TIME -> WindowFunction.LAST.over(vs, lo, hi);
            case PRESENT_OVER_TIME -> 1;
            case STDDEV_OVER_TIME -> Math.sqrt(variance(vs, lo, hi));
            case STDVAR_OVER_TIME -> variance(vs, lo, hi);
            case QUANTILE_OVER_TIME -> {
                System.arraycopy(vs, lo, scratch, 0, hi - lo);
                yield Quantiles.quantile(a1, scratch, hi - lo);
            }
            case HOLT_WINTERS -> holtWinters(vs, lo, hi, a1, a2);
            default -> throw new IllegalArgumentException("not a range function: " + f);
        };
    }

    /**
     * Prometheus 2.x {@code extrapolatedRate}: rate, increase and delta with boundary extrapolation. The reset scan
     * runs only when the series decreases somewhere ({@code mayReset}); otherwise it cannot change the result.
     */
    static double extrapolatedRate(final long[] ts, final double[] vs, final int lo, final int hi,
                                   final long rangeStart, final long rangeEnd, final long rangeMs,
                                   final boolean mayReset, final boolean isCounter, final boolean isRate) {
        if (hi - lo < 2) {
            return NO_VALUE;
        }
        return extrapolatedRate(ts, vs, lo, hi, rangeStart, rangeEnd, rangeMs / 1000.0, mayReset, isCounter,
            isRate);
    }

    /**
     * {@link #extrapolatedRate(long[], double[], int, int, long, long, long, boolean, boolean, boolean)} of a
     * window of at least two samples, with the range in seconds.
     */
    private static double extrapolatedRate(final long[] ts, final double[] vs, final int lo, final int hi,
                                           final long rangeStart, final long rangeEnd, final double rangeSeconds,
                                           final boolean mayReset, final boolean isCounter, final boolean isRate) {
        final int last = hi - 1;
        double result = vs[last] - vs[lo];
        if (isCounter && mayReset) {
            double lastValue = 0;
            for (int k = lo; k < hi; k++) {
                if (vs[k] < lastValue) {
                    result += lastValue;
                }
                lastValue = vs[k];
            }
        }
        double durationToStart = (ts[lo] - rangeStart) / 1000.0;
        final double durationToEnd = (rangeEnd - ts[last]) / 1000.0;
        final double sampledInterval = (ts[last] - ts[lo]) / 1000.0;
        final double averageDurationBetweenSamples = sampledInterval / (hi - lo - 1);
        // vs[lo] >= result > 0 makes durationToZero >= sampledInterval (rounding is monotonic), so when that is at
        // least durationToStart the division cannot change anything: skipped, the usual case for a counter
        if (isCounter && result > 0 && vs[lo] >= 0 && !(vs[lo] >= result && sampledInterval >= durationToStart)) {
            final double durationToZero = sampledInterval * (vs[lo] / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        final double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart
            : averageDurationBetweenSamples / 2;
        extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd
            : averageDurationBetweenSamples / 2;
        // the factor is built first and applied once, exactly as Prometheus does (bit-identical results)
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) {
            factor /= rangeSeconds;
        }
        return result * factor;
    }

    private static double instantDelta(final long[] ts, final double[] vs, final int lo, final int hi,
                                       final boolean isRate) {
        if (hi - lo < 2) {
            return NO_VALUE;
        }
        final double lastValue = vs[hi - 1];
        final double prevValue = vs[hi - 2];
        double result = isRate && lastValue < prevValue ? lastValue : lastValue - prevValue;
        final long interval = ts[hi - 1] - ts[hi - 2];
        if (interval == 0) {
            return NO_VALUE;
        }
        if (isRate) {
            result /= interval / 1000.0;
        }
        return result;
    }

    private static double changes(final double[] vs, final int lo, final int hi, final boolean resets) {
        int count = 0;
        double prev = vs[lo];
        for (int k = lo + 1; k < hi; k++) {
            final double cur = vs[k];
            if (resets ? cur < prev : cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                count++;
            }
            prev = cur;
        }
        return count;
    }

    private static double variance(final double[] vs, final int lo, final int hi) {
        double count = 0;
        double mean = 0;
        double aux = 0;
        for (int k = lo; k < hi; k++) {
            count++;
            final double delta = vs[k] - mean;
            mean += delta / count;
            aux += delta * (vs[k] - mean);
        }
        return aux / count;
    }

    private static double holtWinters(final double[] vs, final int lo, final int hi, final double sf,
                                      final double tf) {
        if (sf <= 0 || sf >= 1) {
            throw QueryException.execution("invalid smoothing factor. Expected: 0 < sf < 1, got: " + sf);
        }
        if (tf <= 0 || tf >= 1) {
            throw QueryException.execution("invalid trend factor. Expected: 0 < tf < 1, got: " + tf);
        }
        if (hi - lo < 2) {
            return NO_VALUE;
        }
        double s0 = 0;
        double s1 = vs[lo];
        double b = vs[lo + 1] - vs[lo];
        for (int i = 1; i < hi - lo; i++) {
            final double x = sf * vs[lo + i];
            if (i - 1 != 0) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            final double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }

    /**
     * Least-squares fit with Kahan-Neumaier sums, as Prometheus: the slope when {@code slopeOnly}, else the fit's
     * value {@code duration} seconds after {@code interceptTime}. Allocation-free (it runs once per window).
     */
    static double linearRegression(final long[] ts, final double[] vs, final int lo, final int hi,
                                   final long interceptTime, final boolean slopeOnly, final double duration) {
        double sx = 0;
        double cx = 0;
        double sy = 0;
        double cy = 0;
        double sxy = 0;
        double cxy = 0;
        double sx2 = 0;
        double cx2 = 0;
        double n = 0;
        final double initY = vs[lo];
        boolean constY = true;
        for (int k = lo; k < hi; k++) {
            if (constY && k > lo && vs[k] != initY) {
                constY = false;
            }
            n += 1;
            final double x = (ts[k] - interceptTime) / 1e3;
            cx = kahanC(sx, x, cx);
            sx += x;
            cy = kahanC(sy, vs[k], cy);
            sy += vs[k];
            final double xy = x * vs[k];
            cxy = kahanC(sxy, xy, cxy);
            sxy += xy;
            final double xx = x * x;
            cx2 = kahanC(sx2, xx, cx2);
            sx2 += xx;
        }
        final double slope;
        final double intercept;
        if (constY) {
            slope = Double.isInfinite(initY) ? Double.NaN : 0;
            intercept = Double.isInfinite(initY) ? Double.NaN : initY;
        } else {
            final double sumX = sx + cx;
            final double sumY = sy + cy;
            final double sumXY = sxy + cxy;
            final double sumX2 = sx2 + cx2;
            final double covXY = sumXY - sumX * sumY / n;
            final double varX = sumX2 - sumX * sumX / n;
            slope = covXY / varX;
            intercept = sumY / n - slope * sumX / n;
        }
        return slopeOnly ? slope : slope * duration + intercept;
    }

    /** The Kahan-Neumaier compensation after adding {@code inc} to {@code sum} (Prometheus' kahanSumInc). */
    private static double kahanC(final double sum, final double inc, final double c) {
        final double t = sum + inc;
        if (Math.abs(sum) >= Math.abs(inc)) {
            return c + ((sum - t) + inc);
        }
        return c + ((inc - t) + sum);
    }

    /** absent_over_time: 1 where no series has a sample in the window. */
    public static StepVector absentOverTime(final Evaluator ev, final Windows w, final LabelSet labels) {
        final int steps = ev.steps();
        final boolean[] seen = new boolean[steps];
        for (final RangeSeries s : w.series()) {
            int lo = 0;
            int hi = 0;
            for (int i = 0; i < steps; i++) {
                while (hi < s.size() && s.timestamps()[hi] <= w.ends()[i]) {
                    hi++;
                }
                while (lo < s.size() && s.timestamps()[lo] < w.ends()[i] - w.rangeMs()) {
                    lo++;
                }
                seen[i] |= lo < hi;
            }
        }
        final double[] values = new double[steps];
        final boolean[] present = new boolean[steps];
        boolean any = false;
        for (int i = 0; i < steps; i++) {
            present[i] = !seen[i];
            values[i] = 1;
            any |= present[i];
        }
        return new StepVector(steps, any ? List.of(new StepSeries(labels, values, present)) : List.of());
    }
}
