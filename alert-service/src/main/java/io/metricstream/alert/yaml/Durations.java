package io.metricstream.alert.yaml;

import java.util.Locale;

/**
 * Prometheus durations: one or more {@code <int><unit>} with units y, w, d, h, m, s, ms in that order
 * ({@code 1h30m}, {@code 500ms}, {@code 0s}); a bare {@code 0} is accepted too.
 */
public final class Durations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MS = {365L * 86_400_000L, 7L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L,
        1_000L, 1L};

    private Durations() {
    }

    /** The duration in ms, or -1 when {@code text} is not a Prometheus duration. */
    public static long parseMs(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        if (text.equals("0")) {
            return 0;
        }
        long total = 0;
        int i = 0;
        int lastUnit = -1;
        while (i < text.length()) {
            final int start = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 12) {
                return -1;
            }
            final long n = Long.parseLong(text.substring(start, i));
            int unit = -1;
            for (int u = 0; u < UNITS.length; u++) {
                if (text.startsWith(UNITS[u], i) && (unit < 0 || UNITS[u].length() > UNITS[unit].length())) {
                    unit = u;
                }
            }
            if (unit <= lastUnit) {
                return -1;
            }
            total += n * UNIT_MS[unit];
            lastUnit = unit;
            i += UNITS[unit].length();
        }
        return total;
    }

    /** Formats {@code ms} the way Prometheus prints durations ({@code 1h30m}, {@code 500ms}, {@code 0s}). */
    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        final StringBuilder b = new StringBuilder();
        long rest = ms;
        for (int u = 0; u < UNITS.length; u++) {
            final long n = rest / UNIT_MS[u];
            if (n > 0) {
                b.append(n).append(UNITS[u]);
                rest -= n * UNIT_MS[u];
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
