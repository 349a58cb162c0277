package io.metricstream.query.eval;

import java.math.BigDecimal;

/** Float formatting as Prometheus does it ({@code strconv.FormatFloat(v, 'f', -1, 64)}). */
public final class PromFloats {
    private PromFloats() {
    }

    /** Shortest round-trip decimal without exponent; {@code NaN}, {@code +Inf}, {@code -Inf}. */
    public static String format(final double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            if (v == 0 && Double.doubleToRawLongBits(v) != 0) {
                return "-0";
            }
            return Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
