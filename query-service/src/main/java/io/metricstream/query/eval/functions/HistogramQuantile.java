package io.metricstream.query.eval.functions;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * histogram_quantile over classic {@code le} buckets (Prometheus 2.x {@code bucketQuantile}: sort by upper bound,
 * coalesce equal bounds, force monotonic counts, need a {@code +Inf} bucket, interpolate linearly in the bucket).
 * Buckets are grouped once per series by their labels without {@code le} and {@code __name__}.
 */
final class HistogramQuantile {
    private HistogramQuantile() {
    }

    static StepVector apply(final Evaluator ev, final double[] q, final StepVector v) {
        final int steps = ev.steps();
        final Map<LabelSet, List<Integer>> groups = new HashMap<>();
        final List<LabelSet> order = new ArrayList<>();
        final double[] bounds = new double[v.series().size()];
        for (int i = 0; i < v.series().size(); i++) {
            final LabelSet labels = v.series().get(i).labels();
            final String le = labels.get("le");
            if (le == null) {
                continue;
            }
            final double bound = parseBound(le);
            if (Double.isNaN(bound)) {
                continue;
            }
            bounds[i] = bound;
            final LabelSet key = labels.toBuilder().remove("le").remove("__name__").build();
            groups.computeIfAbsent(key, k -> {
                order.add(k);
                return new ArrayList<>();
            }).add(i);
        }
        final List<StepSeries> out = new ArrayList<>(order.size());
        double[] ub = new double[8];
        double[] count = new double[8];
        for (final LabelSet key : order) {
            final List<Integer> members = groups.get(key);
            if (ub.length < members.size()) {
                ub = new double[members.size()];
                count = new double[members.size()];
            }
            final double[] values = new double[steps];
            final boolean[] present = new boolean[steps];
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                int n = 0;
                for (final int m : members) {
                    final StepSeries s = v.series().get(m);
                    if (s.present()[i]) {
                        ub[n] = bounds[m];
                        count[n++] = s.values()[i];
                    }
                }
                if (n == 0) {
                    continue;
                }
                values[i] = bucketQuantile(q[i], ub, count, n);
                present[i] = true;
                any = true;
            }
            if (any) {
                out.add(new StepSeries(key, values, present));
            }
        }
        return new StepVector(steps, out);
    }

    private static double parseBound(final String le) {
        try {
            return switch (le) {
                case "+Inf", "Inf", "+inf", "inf" -> Double.POSITIVE_INFINITY;
                case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(le);
            };
        } catch (final NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Prometheus's bucketQuantile over n (bound, cumulative count) pairs; reorders the arrays. */
    static double bucketQuantile(final double q, final double[] ub, final double[] count, final int size) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortByBound(ub, count, size);
        if (ub[size - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (n > 0 && ub[n - 1] == ub[i]) {
                count[n - 1] += count[i];
            } else {
                ub[n] = ub[i];
                count[n++] = count[i];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (count[i] > max) {
                max = count[i];
            } else if (count[i] < max) {
                count[i] = max;
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        final double observations = count[n - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && !(count[b] >= rank)) {
            b++;
        }
        if (b == n - 1) {
            return ub[n - 2];
        }
        if (b == 0 && ub[0] <= 0) {
            return ub[0];
        }
        double bucketStart = 0;
        final double bucketEnd = ub[b];
        double c = count[b];
        if (b > 0) {
            bucketStart = ub[b - 1];
            c -= count[b - 1];
            rank -= count[b - 1];
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / c);
    }

    private static void sortByBound(final double[] ub, final double[] count, final int n) {
        final double[] ubCopy = Arrays.copyOf(ub, n);
        final double[] countCopy = Arrays.copyOf(count, n);
        final Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(ubCopy[a], ubCopy[b]));
        for (int i = 0; i < n; i++) {
            ub[i] = ubCopy[idx[i]];
            count[i] = countCopy[idx[i]];
        }
    }
}
