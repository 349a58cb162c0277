package io.metricstream.alert.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/** Go's number formatting (%v, %.Ng) and Prometheus's humanize functions, so rendered text matches Prometheus. */
public final class GoFormat {
    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] BIG_1024 = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

    private GoFormat() {
    }

    /** Go's {@code fmt.Sprint(float64)}: shortest digits, exponent form when exp &lt; -4 or &gt;= 6 (%g). */
    public static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v) < 0 ? "-0" : "0";
        }
        final BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        final int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 6) {
            return exponent(d, exp);
        }
        return d.toPlainString();
    }

    /** Go's {@code %.<prec>g}: {@code prec} significant digits, trailing zeros dropped. */
    public static String g(double v, int prec) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0";
        }
        final int p = prec <= 0 ? 1 : prec;
        final BigDecimal d = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        final int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= p) {
            return exponent(d, exp);
        }
        return d.toPlainString();
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}: shortest digits in exponent form ({@code 1.5e+02}). */
    public static String e(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0e+00";
        }
        final BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        return exponent(d, d.precision() - d.scale() - 1);
    }

    private static String exponent(BigDecimal d, int exp) {
        final BigDecimal mantissa = d.movePointLeft(exp).stripTrailingZeros();
        final String m = mantissa.toPlainString();
        final int abs = Math.abs(exp);
        return m + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
    }

    /** Prometheus {@code humanize}: SI prefixes with 4 significant digits ({@code 1.235M}, {@code 12.5m}). */
    public static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g(v, 4);
        }
        double x = v;
        String prefix = "";
        if (Math.abs(x) >= 1) {
            for (String p : BIG) {
                if (Math.abs(x) < 1000) {
                    break;
                }
                prefix = p;
                x /= 1000;
            }
        } else {
            for (String p : SMALL) {
                if (Math.abs(x) >= 1) {
                    break;
                }
                prefix = p;
                x *= 1000;
            }
        }
        return g(x, 4) + prefix;
    }

    /** Prometheus {@code humanize1024}: binary prefixes ({@code 1ki}, {@code 1.5Mi}). */
    public static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g(v, 4);
        }
        double x = v;
        String prefix = "";
        for (String p : BIG_1024) {
            if (Math.abs(x) < 1024) {
                break;
            }
            prefix = p;
            x /= 1024;
        }
        return g(x, 4) + prefix;
    }

    /** Prometheus {@code humanizePercentage}: {@code 0.1234} → {@code 12.34%}. */
    public static String humanizePercentage(double v) {
        return g(v * 100, 4) + "%";
    }

    /** Prometheus {@code humanizeDuration} of seconds: {@code 1d 2h 3m 4s}, {@code 4.5s}, {@code 12ms}. */
    public static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return g(v, 4);
        }
        if (v == 0) {
            return "0s";
        }
        if (Math.abs(v) >= 1) {
            final String sign = v < 0 ? "-" : "";
            final double a = Math.abs(v);
            final long duration = (long) a;
            final long seconds = duration % 60;
            final long minutes = (duration / 60) % 60;
            final long hours = (duration / 3600) % 24;
            final long days = duration / 86_400;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + g(a, 4) + "s";
        }
        double x = v;
        String prefix = "";
        for (String p : SMALL) {
            if (Math.abs(x) >= 1) {
                break;
            }
            prefix = p;
            x *= 1000;
        }
        return g(x, 4) + prefix + "s";
    }

    /** Go's {@code %v} of a string map: {@code map[a:1 b:2]} in key order. */
    public static String map(Map<String, String> m) {
        final StringBuilder b = new StringBuilder("map[");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (!first) {
                b.append(' ');
            }
            first = false;
            b.append(e.getKey()).append(':').append(e.getValue());
        }
        return b.append(']').toString();
    }

    /** Go's {@code %.<prec>f} / {@code %.<prec>e}: exact binary value rounded half-even, as Go does. */
    static String fixed(char verb, int prec, double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        final BigDecimal exact = new BigDecimal(v);
        if (verb == 'f') {
            return exact.setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        }
        if (v == 0) {
            return (prec > 0 ? "0." + "0".repeat(prec) : "0") + "e+00";
        }
        final BigDecimal d = exact.round(new MathContext(prec + 1, RoundingMode.HALF_EVEN));
        final int exp = d.precision() - d.scale() - 1;
        final String m = d.movePointLeft(exp).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        final int abs = Math.abs(exp);
        return m + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
    }
}
