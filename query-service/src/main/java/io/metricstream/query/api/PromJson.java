package io.metricstream.query.api;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.PromFloats;
import io.metricstream.query.eval.QueryResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes Prometheus's JSON shapes: {@code {"status":"success","data":...}} and
 * {@code {"status":"error","errorType":...,"error":...}}. Times are unix seconds with millisecond decimals written
 * like Prometheus's {@code MarshalTimestamp}; values are strings formatted like {@code FormatFloat(v,'f',-1)}.
 *
 * <p>Query answers go out through {@link #successResultBuf} ({@link JsonByteWriter}, bytes into pooled buffers).
 * The {@code StringBuilder} writers are the plain reference it is tested against byte for byte, and write the small
 * metadata answers.
 */
public final class PromJson {
    /**
     * Matrices of at least this many points are written on several threads: Q2 of PEERS.md (10 series x 1,441
     * points, ~1 ms of formatting on one thread) took 0.66-0.86 ms instead of 1.0-1.1 ms on two cores.
     */
    static final long PARALLEL_MIN_POINTS = 10_000;
    /** {@code [1704067260,"96399.97124999999"],} */
    private static final int POINT_ESTIMATE_BYTES = 34;

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

    /** The success envelope around a query result, written in one builder (the reference for the byte writer). */
    public static StringBuilder successResult(final QueryResult r) {
        final StringBuilder sb = new StringBuilder(estimate(r) + 32).append("{\"status\":\"success\",\"data\":");
        return result(sb, r).append('}');
    }

    /** {@link #successResultBuf(ByteBufAllocator, QueryResult, Executor)} with every part written by the caller. */
    public static ByteBuf successResultBuf(final ByteBufAllocator alloc, final QueryResult r) {
        return successResultBuf(alloc, r, Runnable::run);
    }

    /**
     * {@link #successResult} as UTF-8 in a buffer from {@code alloc} (the caller owns it), written by
     * {@link JsonByteWriter}. A matrix of at least {@link #PARALLEL_MIN_POINTS} points is written in one part per
     * core, each a run of whole series balanced by points, and answered as one composite buffer of the parts; the
     * bytes equal {@link #successResult}'s. The caller writes the first part; the others are handed to
     * {@code parts} (the service's own threads: the common fork-join pool's are started on demand, cold, and shared
     * with anything in the JVM), and the caller writes any part no thread of {@code parts} has taken yet by the time
     * it is done, so a busy or saturated executor delays no answer and cannot deadlock one.
     */
    public static ByteBuf successResultBuf(final ByteBufAllocator alloc, final QueryResult r, final Executor parts) {
        final int cores = Runtime.getRuntime().availableProcessors();
        if (!(r instanceof QueryResult.Matrix m) || cores < 2 || m.series().size() < 2
            || points(m.series(), 0, m.series().size()) < PARALLEL_MIN_POINTS) {
            final JsonByteWriter w = new JsonByteWriter(alloc, estimate(r) + 32);
            try {
                w.ascii("{\"status\":\"success\",\"data\":");
                result(w, r).ascii('}');
                return w.finish();
            } catch (final RuntimeException | Error e) {
                w.release();
                throw e;
            }
        }
        final MatrixParts written = new MatrixParts(alloc, m.series(), Math.min(cores, m.series().size()));
        final CompletableFuture<?> others = CompletableFuture.allOf(written.rest);
        try {
            // inside the try: an executor failing otherwise than by rejecting (e.g. after it ran the task) must not
            // leave the parts already written unreleased
            for (int p = 1; p < written.out.length; p++) {
                try {
                    parts.execute(written);
                } catch (final RejectedExecutionException e) {
                    // a shut-down or bounded executor: the caller writes that part below
                    break;
                }
            }
            written.out[0] = written.part(0);
            written.run();
            others.join();
        } catch (final RuntimeException | Error e) {
            // the other parts' buffers are released once all have finished, whether they failed or not
            written.abandon();
            others.handle((ignored, t) -> null).join();
            releaseAll(written.out);
            throw e;
        }
        return Unpooled.wrappedBuffer(written.out.length, written.out);
    }

    /**
     * The parts of one matrix answer: part 0 is the caller's; {@link #run} takes parts 1.. one at a time until none
     * is left, on whichever threads run it (the executor's and, at the end, the caller's).
     */
    private static final class MatrixParts implements Runnable {
        private final ByteBufAllocator alloc;
        private final List<QueryResult.Series> series;
        /** Part p holds series [bounds[p], bounds[p + 1]); immutable after construction. */
        private final int[] bounds;
        /** Written by the thread that took the part, read by the caller after {@link #rest} completes. */
        private final ByteBuf[] out;
        /** Completion of parts 1.. (index p - 1). */
        private final CompletableFuture<?>[] rest;
        /** The next part to take. */
        private final AtomicInteger next = new AtomicInteger(1);

        MatrixParts(final ByteBufAllocator alloc, final List<QueryResult.Series> series, final int parts) {
            this.alloc = alloc;
            this.series = series;
            this.out = new ByteBuf[parts];
            this.rest = new CompletableFuture<?>[parts - 1];
            for (int p = 0; p < rest.length; p++) {
                rest[p] = new CompletableFuture<Void>();
            }
            final long total = points(series, 0, series.size());
            this.bounds = new int[parts + 1];
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
        }

        @Override
        public void run() {
            for (int p = next.getAndIncrement(); p < out.length; p = next.getAndIncrement()) {
                try {
                    out[p] = part(p);
                    rest[p - 1].complete(null);
                } catch (final RuntimeException | Error e) {
                    rest[p - 1].completeExceptionally(e);
                }
            }
        }

        /** Parts nobody has taken yet are not written (they complete empty): the answer has failed. */
        void abandon() {
            for (int p = next.getAndSet(out.length); p < out.length; p++) {
                rest[p - 1].complete(null);
            }
        }

        ByteBuf part(final int p) {
            return matrixPart(alloc, series, bounds, p, out.length);
        }
    }

    private static void releaseAll(final ByteBuf[] bufs) {
        for (final ByteBuf b : bufs) {
            if (b != null) {
                b.release();
            }
        }
    }

    private static long points(final List<QueryResult.Series> series, final int from, final int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n += series.get(i).timestamps().length;
        }
        return n;
    }

    private static ByteBuf matrixPart(final ByteBufAllocator alloc, final List<QueryResult.Series> series,
                                      final int[] bounds, final int part, final int parts) {
        final List<QueryResult.Series> mine = series.subList(bounds[part], bounds[part + 1]);
        final JsonByteWriter w = new JsonByteWriter(alloc, (int) Math.min(1 << 28, 64 + 128L * mine.size()
            + POINT_ESTIMATE_BYTES * points(mine, 0, mine.size())));
        try {
            if (part == 0) {
                w.ascii("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
            } else {
                w.ascii(',');
            }
            matrix(w, mine);
            if (part == parts - 1) {
                w.ascii("]}}");
            }
            return w.finish();
        } catch (final RuntimeException | Error e) {
            w.release();
            throw e;
        }
    }

    private static JsonByteWriter result(final JsonByteWriter w, final QueryResult r) {
        switch (r) {
            case QueryResult.Scalar s -> {
                w.ascii("{\"resultType\":\"scalar\",\"result\":");
                w.point(false, s.timeMs(), s.value());
            }
            case QueryResult.Str s -> {
                w.ascii("{\"resultType\":\"string\",\"result\":[");
                w.timestamp(s.timeMs());
                w.ascii(',');
                w.string(s.value());
                w.ascii(']');
            }
            case QueryResult.Vector v -> {
                w.ascii("{\"resultType\":\"vector\",\"result\":[");
                boolean first = true;
                for (final QueryResult.Sample s : v.samples()) {
                    if (!first) {
                        w.ascii(',');
                    }
                    first = false;
                    w.ascii("{\"metric\":");
                    w.labels(s.labels());
                    w.ascii(",\"value\":");
                    w.point(false, v.timeMs(), s.value());
                    w.ascii('}');
                }
                w.ascii(']');
            }
            case QueryResult.Matrix m -> {
                w.ascii("{\"resultType\":\"matrix\",\"result\":[");
                matrix(w, m.series());
                w.ascii(']');
            }
        }
        return w.ascii('}');
    }

    private static void matrix(final JsonByteWriter w, final List<QueryResult.Series> series) {
        boolean first = true;
        for (final QueryResult.Series s : series) {
            if (!first) {
                w.ascii(',');
            }
            first = false;
            w.ascii("{\"metric\":");
            w.labels(s.labels());
            w.ascii(",\"values\":[");
            final long[] ts = s.timestamps();
            final double[] vs = s.values();
            for (int i = 0; i < ts.length; i++) {
                w.pointAt(i, ts[i], vs[i]);
            }
            w.ascii("]}");
        }
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
