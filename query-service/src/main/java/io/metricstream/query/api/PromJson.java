package io.metricstream.query.api;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.PromFloats;
import io.metricstream.query.eval.QueryResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes Prometheus's JSON shapes: {@code {"status":"success","data":...}} and
 * {@code {"status":"error","errorType":...,"error":...}}. Times are unix seconds with millisecond decimals written
 * like Prometheus's {@code MarshalTimestamp}; values are strings formatted like {@code FormatFloat(v,'f',-1)}.
 */
public final class PromJson {
    /** Matrices of at least this many points (~1.5 ms of formatting) are written on several threads. */
    static final long PARALLEL_MIN_POINTS = 50_000;

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

    /**
     * {@link #successResult} as UTF-8 parts to send back to back. A matrix of at least {@link #PARALLEL_MIN_POINTS}
     * points is written in one part per core, each a run of whole series balanced by points, the first on the
     * calling thread and the others on the common fork-join pool (float formatting is most of the work: 288k
     * points of PEERS.md's Q4 take ~9 ms on one thread); the bytes equal {@link #successResult}'s.
     */
    public static byte[][] successResultUtf8(final QueryResult r) {
        final int cores = Runtime.getRuntime().availableProcessors();
        if (!(r instanceof QueryResult.Matrix m) || cores < 2 || m.series().size() < 2
            || points(m.series(), 0, m.series().size()) < PARALLEL_MIN_POINTS) {
            return new byte[][] {successResult(r).toString().getBytes(StandardCharsets.UTF_8)};
        }
        final List<QueryResult.Series> series = m.series();
        final int parts = Math.min(cores, series.size());
        final long total = points(series, 0, series.size());
        final int[] bounds = new int[parts + 1];
        long done = 0;
        int at = 0;
        for (int p = 1; p < parts; p++) {
            final long goal = total * p / parts;
            while (at < series.size() - (parts - p) && (done < goal || at < bounds[p - 1] + 1)) {
                done += series.get(at++).timestamps().length;
            }
            bounds[p] = at;
        }
        bounds[parts] = series.size();
        final byte[][] out = new byte[parts][];
        final CompletableFuture<?>[] rest = new CompletableFuture<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            final int part = p;
            rest[p - 1] = CompletableFuture.runAsync(() -> out[part] = matrixPart(series, bounds, part, parts));
        }
        out[0] = matrixPart(series, bounds, 0, parts);
        CompletableFuture.allOf(rest).join();
        return out;
    }

    private static long points(final List<QueryResult.Series> series, final int from, final int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n += series.get(i).timestamps().length;
        }
        return n;
    }

    private static byte[] matrixPart(final List<QueryResult.Series> series, final int[] bounds, final int part,
                                     final int parts) {
        final List<QueryResult.Series> mine = series.subList(bounds[part], bounds[part + 1]);
        final StringBuilder sb = new StringBuilder((int) Math.min(1 << 28, 64 + 128L * mine.size()
            + 32 * points(mine, 0, mine.size())));
        if (part == 0) {
            sb.append("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
        } else {
            sb.append(',');
        }
        matrix(sb, mine);
        if (part == parts - 1) {
            sb.append("]}}");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
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
