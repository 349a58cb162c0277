package io.metricstream.loadgen.scenario;

import java.util.Locale;

/** Parses durations such as {@code 500ms}, {@code 20s}, {@code 2m}, {@code 1h}. Stateless. */
public final class Durations {
    private Durations() {
    }

    /** Nanoseconds of {@code text}, or -1 when it is not a duration. */
    public static long parseNanos(final String text) {
        if (text == null) {
            return -1;
        }
        final String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return -1;
        }
        final double v;
        try {
            v = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            return -1;
        }
        final double unitNanos = switch (t.substring(i).trim()) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s", "" -> 1e9;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            default -> -1;
        };
        return unitNanos < 0 ? -1 : (long) (v * unitNanos);
    }
}
