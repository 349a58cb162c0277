package io.metricstream.query.eval.functions;

import java.util.Arrays;

/** Prometheus's {@code quantile} over a set of values (linear interpolation between closest ranks). */
public final class Quantiles {
    private Quantiles() {
    }

    /** The q-quantile of {@code values[0..n)}; sorts that prefix in place (NaN sorts first, as in Prometheus). */
    public static double quantile(final double q, final double[] values, final int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values, n);
        final double rank = q * (n - 1);
        final double lowerIndex = Math.max(0, Math.floor(rank));
        final double upperIndex = Math.min(n - 1, lowerIndex + 1);
        final double weight = rank - Math.floor(rank);
        return values[(int) lowerIndex] * (1 - weight) + values[(int) upperIndex] * weight;
    }

    /** Sorts ascending with NaN first (Go's sort over {@code Less: isNaN(a) || a < b}). */
    static void sortNaNFirst(final double[] values, final int n) {
        Arrays.sort(values, 0, n);
        int nan = 0;
        for (int i = n - 1; i >= 0 && Double.isNaN(values[i]); i--) {
            nan++;
        }
        if (nan > 0) {
            System.arraycopy(values, 0, values, nan, n - nan);
            Arrays.fill(values, 0, nan, Double.NaN);
        }
    }
}
