package io.metricstream.query.eval.functions;

import io.metricstream.contracts.model.LabelSet;
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
import java.util.stream.IntStream;

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
     * Below this many samples a range function runs on the calling thread; above, series are split over the
     * common fork-join pool. 200k samples is ~1 ms of window work, where the fork/join overhead (~50 µs)
     * stops mattering.
     */
    static final long PARALLEL_MIN_SAMPLES = 200_000;

    /**
     * Applies {@code f} to every window. {@code a1}/{@code a2} are per-step scalar arguments (quantile,
     * predict_linear's duration, holt_winters' factors) or null. Series are independent, so large inputs are
     * evaluated in parallel; the output keeps the input order.
     */
    public static StepVector apply(final Evaluator ev, final Function f, final Windows w, final double[] a1,
                                   final double[] a2) {
        final int steps = ev.steps();
        final List<RangeSeries> in = w.series();
        final StepSeries[] results = new StepSeries[in.size()];
        long samples = 0;
        for (final RangeSeries s : in) {
            samples += s.size();
        }
        if (samples >= PARALLEL_MIN_SAMPLES && in.size() > 1) {
            IntStream.range(0, in.size()).parallel().forEach(k -> results[k] = one(ev, f, w, in.get(k), a1, a2));
        } else {
            for (int k = 0; k < in.size(); k++) {
                results[k] = one(ev, f, w, in.get(k), a1, a2);
            }
        }
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

    /** The function over every window of one series; null when no window yields a value. */
    private static StepSeries one(final Evaluator ev, final Function f, final Windows w, final RangeSeries s,
                                  final double[] a1, final double[] a2) {
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
            while (hi < n && ts[hi] <= end) {
                hi++;
            }
            while (lo < n && ts[lo] < start) {
                lo++;
            }
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

    private static double compute(final Function f, final long[] ts, final double[] vs, final int lo, final int hi,
                                  final long start, final long end, final long range, final long evalTime,
                                  final double a1, final double a2, final double[] scratch,
                                  final boolean decreases) {
        return switch (f) {
            case RATE -> extrapolatedRate(ts, vs, lo, hi, start, end, range, decreases, true, true);
            case INCREASE -> extrapolatedRate(ts, vs, lo, hi, start, end, range, decreases, true, false);
            case DELTA -> extrapolatedRate(ts, vs, lo, hi, start, end, range, false, false, false);
            case IRATE -> instantDelta(ts, vs, lo, hi, true);
            case IDELTA -> instantDelta(ts, vs, lo, hi, false);
            case DERIV -> hi - lo < 2 ? NO_VALUE : linearRegression(ts, vs, lo, hi, ts[lo])[0];
            case PREDICT_LINEAR -> {
                if (hi - lo < 2) {
                    yield NO_VALUE;
                }
                final double[] r = linearRegression(ts, vs, lo, hi, evalTime);
                yield r[0] * a1 + r[1];
            }
            case RESETS, CHANGES -> changes(vs, lo, hi, f == Function.RESETS);
            case AVG_OVER_TIME -> avg(vs, lo, hi);
            case SUM_OVER_TIME -> {
                double sum = 0;
                for (int k = lo; k < hi; k++) {
                    sum += vs[k];
                }
                yield sum;
            }
            case COUNT_OVER_TIME -> hi - lo;
            case MIN_OVER_TIME, MAX_OVER_TIME -> minMax(vs, lo, hi, f == Function.MAX_OVER_TIME);
            case LAST_OVER_TIME -> vs[hi - 1];
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
        if (isCounter && result > 0 && vs[lo] >= 0) {
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
            factor /= rangeMs / 1000.0;
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

    private static double avg(final double[] vs, final int lo, final int hi) {
        double mean = 0;
        double count = 0;
        for (int k = lo; k < hi; k++) {
            final double v = vs[k];
            count++;
            if (Double.isInfinite(mean)) {
                if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                    continue;
                }
                if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                    continue;
                }
            }
            mean += v / count - mean / count;
        }
        return mean;
    }

    private static double minMax(final double[] vs, final int lo, final int hi, final boolean max) {
        double r = vs[lo];
        for (int k = lo + 1; k < hi; k++) {
            final double v = vs[k];
            if (max ? v > r || Double.isNaN(r) : v < r || Double.isNaN(r)) {
                r = v;
            }
        }
        return r;
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

    /** Least-squares slope and intercept (at {@code interceptTime}) with Kahan-Neumaier sums, as Prometheus. */
    static double[] linearRegression(final long[] ts, final double[] vs, final int lo, final int hi,
                                     final long interceptTime) {
        final double[] sx = new double[2];
        final double[] sy = new double[2];
        final double[] sxy = new double[2];
        final double[] sx2 = new double[2];
        double n = 0;
        final double initY = vs[lo];
        boolean constY = true;
        for (int k = lo; k < hi; k++) {
            if (constY && k > lo && vs[k] != initY) {
                constY = false;
            }
            n += 1;
            final double x = (ts[k] - interceptTime) / 1e3;
            kahanInc(x, sx);
            kahanInc(vs[k], sy);
            kahanInc(x * vs[k], sxy);
            kahanInc(x * x, sx2);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        final double sumX = sx[0] + sx[1];
        final double sumY = sy[0] + sy[1];
        final double sumXY = sxy[0] + sxy[1];
        final double sumX2 = sx2[0] + sx2[1];
        final double covXY = sumXY - sumX * sumY / n;
        final double varX = sumX2 - sumX * sumX / n;
        final double slope = covXY / varX;
        final double intercept = sumY / n - slope * sumX / n;
        return new double[] {slope, intercept};
    }

    private static void kahanInc(final double inc, final double[] sumAndC) {
        final double sum = sumAndC[0];
        final double t = sum + inc;
        if (Math.abs(sum) >= Math.abs(inc)) {
            sumAndC[1] += (sum - t) + inc;
        } else {
            sumAndC[1] += (inc - t) + sum;
        }
        sumAndC[0] = t;
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
