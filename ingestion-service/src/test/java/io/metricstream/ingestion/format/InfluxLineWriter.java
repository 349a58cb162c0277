package io.metricstream.ingestion.format;

import java.util.List;

/** Test-side writer of Influx lines with the protocol's escaping. */
public final class InfluxLineWriter {
    private InfluxLineWriter() {
    }

    /** Appends {@code measurement,tags field=value timestampNs}; {@code value} is written as a float literal. */
    public static StringBuilder line(final StringBuilder sb, final String measurement, final List<String[]> tags,
                                     final String field, final String valueLiteral, final Long timestamp) {
        escape(sb, measurement, false);
        for (final String[] t : tags) {
            sb.append(',');
            escape(sb, t[0], true);
            sb.append('=');
            escape(sb, t[1], true);
        }
        sb.append(' ');
        escape(sb, field, true);
        sb.append('=').append(valueLiteral);
        if (timestamp != null) {
            sb.append(' ').append(timestamp);
        }
        return sb.append('\n');
    }

    static void escape(final StringBuilder sb, final String s, final boolean equalsToo) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == ',' || c == ' ' || equalsToo && c == '=' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }
}
