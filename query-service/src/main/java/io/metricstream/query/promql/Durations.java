package io.metricstream.query.promql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus durations ({@code 1h30m}, {@code 5m}, {@code 1d}, {@code 1w}, {@code 1y} = 365d, {@code 100ms}). */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile(
        "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MS = {365L * 86_400_000L, 7L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L,
        1000L, 1L};

    private Durations() {
    }

    /** Milliseconds of {@code text}, or -1 when it is not a duration. */
    public static long parseMs(final String text) {
        if (text.equals("0")) {
            return 0;
        }
        if (text.isEmpty()) {
            return -1;
        }
        final Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long total = 0;
        for (int g = 1; g <= 7; g++) {
            final String part = m.group(g);
            if (part != null) {
                try {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(part), UNIT_MS[g - 1]));
                } catch (final ArithmeticException | NumberFormatException e) {
                    return -1;
                }
            }
        }
        return total;
    }

    /** Whether {@code text} is a well-formed duration. */
    public static boolean isDuration(final String text) {
        return parseMs(text) >= 0;
    }

    /** Formats milliseconds like Prometheus ({@code 1h30m}, {@code 0s}). */
    public static String format(final long ms) {
        if (ms == 0) {
            return "0s";
        }
        final StringBuilder sb = new StringBuilder();
        long rest = Math.abs(ms);
        if (ms < 0) {
            sb.append('-');
        }
        final String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < UNIT_MS.length; i++) {
            if (rest >= UNIT_MS[i]) {
                sb.append(rest / UNIT_MS[i]).append(units[i]);
                rest %= UNIT_MS[i];
            }
        }
        return sb.toString();
    }
}
