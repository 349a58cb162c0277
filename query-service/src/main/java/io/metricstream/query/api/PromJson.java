package io.metricstream.query.api;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.PromFloats;
import io.metricstream.query.eval.QueryResult;
import java.util.List;

/**
 * Writes Prometheus's JSON shapes: {@code {"status":"success","data":...}} and
 * {@code {"status":"error","errorType":...,"error":...}}. Times are unix seconds with millisecond decimals written
 * like Prometheus's {@code MarshalTimestamp}; values are strings formatted like {@code FormatFloat(v,'f',-1)}.
 */
public final class PromJson {
    private PromJson() {
    }

    /** The success envelope around {@code data} (already JSON). */
    public static String success(final CharSequence data) {
        return new StringBuilder(data.length() + 32).append("{\"status\":\"success\",\"data\":").append(data)
            .append('}').toString();
    }

    /** The error envelope. */
    public static String error(final String errorType, final String message) {
        final StringBuilder sb = new StringBuilder("{\"status\":\"error\",\"errorType\":");
        string(sb, errorType);
        sb.append(",\"error\":");
        string(sb, message);
        return sb.append('}').toString();
    }

    /** {@code {"resultType":...,"result":...}} of a query result. */
    public static StringBuilder result(final QueryResult r) {
        return result(new StringBuilder(estimate(r)), r);
    }

    /** The success envelope around a query result, written in one builder (no copy of the result). */
    public static StringBuilder successResult(final QueryResult r) {
        final StringBuilder sb = new StringBuilder(estimate(r) + 32).append("{\"status\":\"success\",\"data\":");
        return result(sb, r).append('}');
    }

    private static StringBuilder result(final StringBuilder sb, final QueryResult r) {
        switch (r) {
            case QueryResult.Scalar s -> {
                sb.append("{\"resultType\":\"scalar\",\"result\":");
                point(sb, s.timeMs(), s.value());
            }
            case QueryResult.Str s -> {
                sb.append("{\"resultType\":\"string\",\"result\":[");
                timestamp(sb, s.timeMs());
                sb.append(',');
                string(sb, s.value());
                sb.append(']');
            }
            case QueryResult.Vector v -> {
                sb.append("{\"resultType\":\"vector\",\"result\":[");
                boolean first = true;
                for (final QueryResult.Sample s : v.samples()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    sb.append("{\"metric\":");
                    labels(sb, s.labels());
                    sb.append(",\"value\":");
                    point(sb, v.timeMs(), s.value());
                    sb.append('}');
                }
                sb.append(']');
            }
            case QueryResult.Matrix m -> {
                sb.append("{\"resultType\":\"matrix\",\"result\":[");
                matrix(sb, m.series());
                sb.append(']');
            }
        }
        return sb.append('}');
    }

    /** Bytes the JSON of {@code r} about takes (~32 per point, ~128 per series), so the builder grows rarely. */
    private static int estimate(final QueryResult r) {
        long bytes = 256;
        if (r instanceof QueryResult.Matrix m) {
            for (final QueryResult.Series s : m.series()) {
                bytes += 128 + 32L * s.timestamps().length;
            }
        } else if (r instanceof QueryResult.Vector v) {
            bytes += 160L * v.samples().size();
        }
        return (int) Math.min(bytes, 1 << 28);
    }

    private static void matrix(final StringBuilder sb, final List<QueryResult.Series> series) {
        boolean first = true;
        for (final QueryResult.Series s : series) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"metric\":");
            labels(sb, s.labels());
            sb.append(",\"values\":[");
            for (int i = 0; i < s.timestamps().length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                point(sb, s.timestamps()[i], s.values()[i]);
            }
            sb.append("]}");
        }
    }

    private static void point(final StringBuilder sb, final long timeMs, final double value) {
        sb.append('[');
        timestamp(sb, timeMs);
        sb.append(",\"");
        PromFloats.append(sb, value).append("\"]");
    }

    /** Prometheus's MarshalTimestamp: seconds, then ".mmm" (3 digits) when the millis are not zero. */
    static void timestamp(final StringBuilder sb, final long timeMs) {
        long t = timeMs;
        if (t < 0) {
            sb.append('-');
            t = -t;
        }
        sb.append(t / 1000);
        final long fraction = t % 1000;
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }

    /** A label set as a JSON object. */
    public static void labels(final StringBuilder sb, final LabelSet labels) {
        sb.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, labels.name(i));
            sb.append(':');
            string(sb, labels.value(i));
        }
        sb.append('}');
    }

    /** A JSON array of strings. */
    public static String strings(final List<String> values) {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, values.get(i));
        }
        return sb.append(']').toString();
    }

    /** A JSON string literal. */
    public static void string(final StringBuilder sb, final String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u00").append(Character.forDigit(c >> 4 & 0xf, 16))
                            .append(Character.forDigit(c & 0xf, 16));
                        if (c > 0xff) {
                            sb.setLength(sb.length() - 6);
                            sb.append(c == '\u2028' ? "\\u2028" : "\\u2029");
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
