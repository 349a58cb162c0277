package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;

/**
 * Raw samples of one series (a range vector's source), stale markers removed, timestamps ascending.
 *
 * @param labels the series
 * @param timestamps sample times in ms, ascending
 * @param values sample values
 * @param size number of valid entries
 * @param mayReset whether some value is below its predecessor (or the first is negative): only then can a
 *                 counter reset correction apply, so rate/increase skip the reset scan otherwise
 */
public record RangeSeries(LabelSet labels, long[] timestamps, double[] values, int size, boolean mayReset) {
    /** Whether any of {@code values[0..n)} is below its predecessor, the first below 0, or NaN. */
    public static boolean mayReset(final double[] values, final int n) {
        double last = 0;
        for (int k = 0; k < n; k++) {
            if (values[k] < last || Double.isNaN(values[k])) {
                return true;
            }
            last = values[k];
        }
        return false;
    }
}
