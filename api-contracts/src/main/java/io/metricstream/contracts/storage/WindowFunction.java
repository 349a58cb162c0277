package io.metricstream.contracts.storage;

/**
 * The aggregate a SELECT_WINDOWS request computes over each window (PromQL's {@code <fn>_over_time}). The raw
 * arithmetic here is Prometheus 2.x's and is the one both sides use: storage for windows it serves from raw
 * samples, query when it evaluates the function itself, so the two agree bit for bit. When storage serves part
 * of a window from rollup buckets, MIN, MAX, COUNT and LAST stay exact; SUM and AVG equal the raw result up to
 * floating-point summation order (a few ulps).
 */
public enum WindowFunction {
    /** min_over_time: smallest value; NaN only when every value is NaN. */
    MIN(1),
    /** max_over_time: largest value; NaN only when every value is NaN. */
    MAX(2),
    /** sum_over_time: left-to-right sum. */
    SUM(3),
    /** count_over_time: number of samples. */
    COUNT(4),
    /** avg_over_time: Prometheus 2.x incremental mean (with its infinity rules). */
    AVG(5),
    /** last_over_time: the newest value. */
    LAST(6);

    private static final WindowFunction[] BY_CODE = new WindowFunction[7];

    static {
        for (final WindowFunction f : values()) {
            BY_CODE[f.code] = f;
        }
    }

    private final int code;

    WindowFunction(final int code) {
        this.code = code;
    }

    /** Wire code (int8). */
    public int code() {
        return code;
    }

    /** The function with wire code {@code code}; null when unknown. */
    public static WindowFunction of(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** This function over {@code values[from..to)}, {@code to > from}. */
    public double over(final double[] values, final int from, final int to) {
        return switch (this) {
            case MIN -> minMax(values, from, to, false);
            case MAX -> minMax(values, from, to, true);
            case SUM -> sum(values, from, to);
            case COUNT -> to - from;
            case AVG -> mean(values, from, to);
            case LAST -> values[to - 1];
        };
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

    private static double sum(final double[] vs, final int lo, final int hi) {
        double sum = 0;
        for (int k = lo; k < hi; k++) {
            sum += vs[k];
        }
        return sum;
    }

    private static double mean(final double[] vs, final int lo, final int hi) {
        double mean = 0;
        double count = 0;
        for (int k = lo; k < hi; k++) {
            count++;
            mean = meanStep(mean, count, vs[k]);
        }
        return mean;
    }

    /** One step of {@link #AVG}'s incremental mean (Prometheus 2.x, its infinity rules included). */
    public static double meanStep(final double mean, final double count, final double v) {
        if (Double.isInfinite(mean)) {
            if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                return mean;
            }
            if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                return mean;
            }
        }
        return mean + (v / count - mean / count);
    }

    /**
     * {@link #AVG} of the four windows {@code values[from[k + i] .. to[k + i])}, i = 0..3, into
     * {@code out[outAt[k + i]]}. Per window these are {@link #over}'s operations in the same order (bit-identical);
     * the four chains of dependent divisions are interleaved so the CPU overlaps them: one chain is latency-bound,
     * and windows that overlap (e.g. [10m] at a 60 s step) run about 2.5-3x faster this way.
     */
    public static void averagesOfFour(final double[] values, final int[] from, final int[] to, final int k,
                                      final double[] out, final int[] outAt) {
        final int f0 = from[k];
        final int f1 = from[k + 1];
        final int f2 = from[k + 2];
        final int f3 = from[k + 3];
        final int common = Math.min(Math.min(to[k] - f0, to[k + 1] - f1), Math.min(to[k + 2] - f2, to[k + 3] - f3));
        double m0 = 0;
        double m1 = 0;
        double m2 = 0;
        double m3 = 0;
        for (int j = 0; j < common; j++) {
            final double count = j + 1;
            m0 = meanStep(m0, count, values[f0 + j]);
            m1 = meanStep(m1, count, values[f1 + j]);
            m2 = meanStep(m2, count, values[f2 + j]);
            m3 = meanStep(m3, count, values[f3 + j]);
        }
        out[outAt[k]] = meanTail(values, f0, to[k], common, m0);
        out[outAt[k + 1]] = meanTail(values, f1, to[k + 1], common, m1);
        out[outAt[k + 2]] = meanTail(values, f2, to[k + 2], common, m2);
        out[outAt[k + 3]] = meanTail(values, f3, to[k + 3], common, m3);
    }

    private static double meanTail(final double[] vs, final int from, final int to, final int done,
                                   final double meanSoFar) {
        double mean = meanSoFar;
        for (int j = from + done; j < to; j++) {
            mean = meanStep(mean, j - from + 1, vs[j]);
        }
        return mean;
    }
}
