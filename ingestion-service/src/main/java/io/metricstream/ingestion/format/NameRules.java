package io.metricstream.ingestion.format;

/**
 * Prometheus naming rules over UTF-8 bytes, without allocation: metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*},
 * label names {@code [a-zA-Z_][a-zA-Z0-9_]*}. For Influx names, {@link #convertInfluxName} first rewrites the
 * two characters Prometheus users expect converted, {@code '.'} and {@code '-'}, to {@code '_'} (as Telegraf's
 * Prometheus output and the graphite/statsd exporters do: {@code cpu.usage-idle} becomes {@code cpu_usage_idle});
 * any other character outside the rules is rejected, not sanitised, because a silent rewrite could merge two
 * distinct series into one.
 */
public final class NameRules {
    /** Returned by the checks when the name is valid. */
    public static final int VALID = -1;

    private NameRules() {
    }

    /** Rewrites {@code '.'} and {@code '-'} to {@code '_'} in place. */
    public static void convertInfluxName(final byte[] b, final int offset, final int length) {
        for (int i = offset; i < offset + length; i++) {
            if (b[i] == '.' || b[i] == '-') {
                b[i] = '_';
            }
        }
    }

    /** {@link #VALID}, or the index (relative to {@code offset}) of the first byte breaking the metric name rules. */
    public static int checkMetricName(final byte[] b, final int offset, final int length) {
        if (length == 0) {
            return 0;
        }
        for (int i = 0; i < length; i++) {
            final int c = b[offset + i];
            final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return i;
            }
        }
        return VALID;
    }

    /** {@link #VALID}, or the index of the first byte breaking the label name rules. */
    public static int checkLabelName(final byte[] b, final int offset, final int length) {
        if (length == 0) {
            return 0;
        }
        for (int i = 0; i < length; i++) {
            final int c = b[offset + i];
            final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
                || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return i;
            }
        }
        return VALID;
    }

    /** Whether the name starts with {@code __} (reserved for the platform). */
    public static boolean isReserved(final byte[] b, final int offset, final int length) {
        return length >= 2 && b[offset] == '_' && b[offset + 1] == '_';
    }

    /** Whether the name is exactly {@code __name__}. */
    public static boolean isMetricNameLabel(final byte[] b, final int offset, final int length) {
        return length == 8 && b[offset] == '_' && b[offset + 1] == '_' && b[offset + 2] == 'n' && b[offset + 3] == 'a'
            && b[offset + 4] == 'm' && b[offset + 5] == 'e' && b[offset + 6] == '_' && b[offset + 7] == '_';
    }

    /** A printable description of byte {@code c} for error messages: {@code '%'} or {@code 0xc3}. */
    public static String describe(final byte c) {
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format(java.util.Locale.ROOT, "0x%02x", c & 0xff);
    }

    /** Whether {@code length} bytes at {@code offset} are well-formed UTF-8 (no overlongs, no surrogates). */
    public static boolean isValidUtf8(final byte[] b, final int offset, final int length) {
        int i = offset;
        final int end = offset + length;
        while (i < end) {
            final int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            final int n;
            final int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (end - i <= n) {
                return false;
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                final int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return false;
                }
                cp = cp << 6 | cc & 0x3f;
            }
            if (cp < min || cp > 0x10ffff || cp >= 0xd800 && cp <= 0xdfff) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }
}
