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
}
