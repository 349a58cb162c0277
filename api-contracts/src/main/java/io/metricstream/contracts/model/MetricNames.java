package io.metricstream.contracts.model;

/**
 * Prometheus naming rules for metric names ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) and label names
 * ({@code [a-zA-Z_][a-zA-Z0-9_]*}); names starting with {@code __} are reserved for the platform.
 * Allocation-free: every check walks the characters.
 */
public final class MetricNames {
    /** The label that carries the metric name inside a series' label set. */
    public static final String METRIC_NAME_LABEL = "__name__";

    private MetricNames() {
    }

    /** Returns whether {@code name} is a valid metric name. */
    public static boolean isValidMetricName(final CharSequence name) {
        final int length = name.length();
        if (length == 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            final char c = name.charAt(i);
            final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Returns whether {@code name} is a valid label name (reserved {@code __} names included). */
    public static boolean isValidLabelName(final CharSequence name) {
        final int length = name.length();
        if (length == 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            final char c = name.charAt(i);
            final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
                || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Returns whether {@code name} is reserved for the platform (starts with {@code __}). */
    public static boolean isReserved(final CharSequence name) {
        return name.length() >= 2 && name.charAt(0) == '_' && name.charAt(1) == '_';
    }
}
