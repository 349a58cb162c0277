package io.metricstream.query.eval;

/**
 * Float formatting as Prometheus does it ({@code strconv.FormatFloat(v, 'f', -1, 64)}): the shortest decimal that
 * round-trips (Java's {@link Double#toString} digits, the same shortest-closest choice as Go's), written without an
 * exponent. {@link #append} writes into a builder without intermediate objects for integers and plain decimals.
 */
public final class PromFloats {
    private PromFloats() {
    }

    /** Shortest round-trip decimal without exponent; {@code NaN}, {@code +Inf}, {@code -Inf}. */
    public static String format(final double v) {
        return append(new StringBuilder(24), v).toString();
    }

    /** Appends {@link #format}'s text of {@code v} to {@code sb}. */
    public static StringBuilder append(final StringBuilder sb, final double v) {
        if (Double.isNaN(v)) {
            return sb.append("NaN");
        }
        if (Double.isInfinite(v)) {
            return sb.append(v > 0 ? "+Inf" : "-Inf");
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            if (v == 0 && Double.doubleToRawLongBits(v) != 0) {
                return sb.append("-0");
            }
            return sb.append((long) v);
        }
        // StringBuilder.append(double) writes Double.toString's characters without creating the String
        final int at = sb.length();
        sb.append(v);
        int e = -1;
        for (int i = sb.length() - 1; i > at; i--) {
            if (sb.charAt(i) == 'E') {
                e = i - at;
                break;
            }
        }
        if (e < 0) {
            // 1e-3 <= |v| < 1e7 and not an integer: already plain, without trailing zeros
            return sb;
        }
        final String s = sb.substring(at);
        sb.setLength(at);
        final boolean negative = s.charAt(0) == '-';
        final int first = negative ? 1 : 0;
        // s = [-]d.dddE[-]x: the digits without the point, trailing zeros dropped ("1.0E20" -> "1")
        final StringBuilder digits = new StringBuilder(e - first);
        digits.append(s.charAt(first)).append(s, first + 2, e);
        int len = digits.length();
        while (len > 1 && digits.charAt(len - 1) == '0') {
            len--;
        }
        final int point = Integer.parseInt(s, e + 1, s.length(), 10) + 1;
        if (negative) {
            sb.append('-');
        }
        if (point <= 0) {
            sb.append("0.");
            zeros(sb, -point);
            sb.append(digits, 0, len);
        } else if (point >= len) {
            sb.append(digits, 0, len);
            zeros(sb, point - len);
        } else {
            sb.append(digits, 0, point).append('.').append(digits, point, len);
        }
        return sb;
    }

    private static void zeros(final StringBuilder sb, final int n) {
        for (int i = 0; i < n; i++) {
            sb.append('0');
        }
    }
}
