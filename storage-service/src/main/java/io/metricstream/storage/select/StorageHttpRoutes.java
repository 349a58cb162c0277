package io.metricstream.storage.select;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.Router;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.RollupWindows;
import io.metricstream.storage.block.RollupWriter;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadTruncatedException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The debug HTTP JSON API: {@code GET /api/v1/select?match=&start=&end=} (with {@code &resolution=5m|1h|auto}
 * and {@code &agg=min|max|sum|count|last|avg}: rolled-up windows instead of raw samples), {@code /api/v1/labels},
 * {@code /api/v1/label/{name}/values}, {@code /api/v1/series?match=}, {@code /api/v1/status} and
 * {@code POST /api/v1/admin/clean_tombstones}. Queries run on the query executor; bad parameters answer 400 with
 * the error body naming the field. Times are epoch ms; {@code start}/{@code end} default to all time.
 */
public final class StorageHttpRoutes {
    private static final JsonFactory JSON = new JsonFactory();
    private final TimeSeriesDb db;
    private final ExecutorService executor;
    private final Supplier<CompletableFuture<Integer>> cleanTombstones;

    /** Routes over {@code db}; {@code cleanTombstones} runs tombstone cleaning on the ingest thread. */
    public StorageHttpRoutes(final TimeSeriesDb db, final ExecutorService executor,
                             final Supplier<CompletableFuture<Integer>> cleanTombstones) {
        this.db = db;
        this.executor = executor;
        this.cleanTombstones = cleanTombstones;
    }

    /** Adds the routes. */
    public void register(final Router router) {
        router.get("/api/v1/select", this::select);
        router.get("/api/v1/labels", x -> names(x, null));
        router.get("/api/v1/label/{name}/values", x -> names(x, x.pathParam("name")));
        router.get("/api/v1/series", this::series);
        router.get("/api/v1/status", this::status);
        router.post("/api/v1/admin/clean_tombstones", this::cleanTombstones);
    }

    private record Range(long start, long end) {
    }

    private Range range(final HttpExchange x) {
        final long start = longParam(x, "start", Long.MIN_VALUE);
        final long end = start == Long.MAX_VALUE ? 0 : longParam(x, "end", Long.MAX_VALUE);
        if (start == Long.MAX_VALUE || end == Long.MIN_VALUE) {
            return null;
        }
        if (end < start) {
            x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                "end must be >= start: got start=" + start + " end=" + end, "end");
            return null;
        }
        return new Range(start, end);
    }

    private static long longParam(final HttpExchange x, final String name, final long absent) {
        final String v = x.queryParam(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            return Long.parseLong(v);
        } catch (final NumberFormatException e) {
            x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                "bad " + name + ": got \"" + v + "\"; want epoch milliseconds", name);
            return absent == Long.MIN_VALUE ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    private List<LabelMatcher> matchers(final HttpExchange x, final boolean required) {
        String m = x.queryParam("match");
        if (m == null) {
            m = x.queryParam("match[]");
        }
        if (m == null || m.isBlank()) {
            if (required) {
                x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                    "match is required, e.g. match=cpu{host=\"h1\"}", "match");
                return null;
            }
            return List.of();
        }
        final SelectorParser.Result r = SelectorParser.parse(m);
        if (!r.ok()) {
            x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                "bad selector: " + r.error(), "match");
            return null;
        }
        return r.matchers();
    }

    private interface JsonBody {
        void write(JsonGenerator g) throws Exception;
    }

    private void respondLater(final HttpExchange x, final JsonBody body) {
        try {
            executor.execute(() -> {
                try {
                    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try (JsonGenerator g = JSON.createGenerator(bytes)) {
                        g.writeStartObject();
                        g.writeStringField("status", "success");
                        g.writeFieldName("data");
                        body.write(g);
                        g.writeEndObject();
                    }
                    x.respondJson(HttpResponseStatus.OK, bytes.toByteArray());
                } catch (final Querier.TooManySeriesException e) {
                    x.respondError(HttpResponseStatus.UNPROCESSABLE_ENTITY, ErrorCode.LIMIT_EXCEEDED.wireName(),
                        e.getMessage(), "match");
                } catch (final HeadTruncatedException e) {
                    x.respondError(HttpResponseStatus.GATEWAY_TIMEOUT, ErrorCode.TIMEOUT.wireName(), e.getMessage(),
                        null);
                } catch (final Exception e) {
                    x.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL.wireName(),
                        String.valueOf(e.getMessage()), null);
                }
            });
        } catch (final java.util.concurrent.RejectedExecutionException e) {
            x.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCode.NOT_READY.wireName(),
                "storage is shutting down", null);
        }
    }

    private void select(final HttpExchange x) {
        final List<LabelMatcher> matchers = matchers(x, true);
        final Range r = matchers == null || x.responded() ? null : range(x);
        if (r == null || x.responded()) {
            return;
        }
        final String resolution = x.queryParam("resolution");
        final String agg = x.queryParam("agg");
        if (resolution != null || agg != null) {
            selectRollup(x, matchers, r, resolution, agg);
            return;
        }
        respondLater(x, g -> {
            g.writeStartArray();
            new Querier(db).select(matchers, r.start(), r.end(), 0, (labels, samples) -> {
                try {
                    writeSeries(g, labels, samples);
                } catch (final IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            g.writeEndArray();
        });
    }

    private void selectRollup(final HttpExchange x, final List<LabelMatcher> matchers, final Range r,
                              final String resolution, final String aggName) {
        final long res;
        if ("5m".equals(resolution)) {
            res = RollupWriter.RES_5M;
        } else if ("1h".equals(resolution)) {
            res = RollupWriter.RES_1H;
        } else if ("auto".equals(resolution)) {
            res = Querier.autoResolution(r.start(), r.end());
        } else {
            x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                "bad resolution: got " + (resolution == null ? "nothing" : "\"" + resolution + "\"")
                    + "; want 5m, 1h or auto", "resolution");
            return;
        }
        final RollupWindows.Agg agg = aggOf(aggName == null ? "avg" : aggName);
        if (agg == null) {
            x.respondError(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST.wireName(),
                "bad agg: got \"" + aggName + "\"; want min, max, sum, count, last or avg", "agg");
            return;
        }
        final String resName = res == RollupWriter.RES_1H ? "1h" : "5m";
        respondLater(x, g -> {
            g.writeStartArray();
            new Querier(db).selectRollup(matchers, r.start(), r.end(), res, 0, (labels, windows) -> {
                try {
                    g.writeStartObject();
                    writeLabels(g, "labels", labels);
                    g.writeStringField("resolution", resName);
                    g.writeStringField("agg", agg.name().toLowerCase(Locale.ROOT));
                    g.writeArrayFieldStart("samples");
                    for (int i = 0; i < windows.size(); i++) {
                        g.writeStartArray();
                        g.writeNumber(windows.startAt(i));
                        g.writeString(formatValue(windows.value(i, agg)));
                        g.writeEndArray();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                } catch (final IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            g.writeEndArray();
        });
    }

    private static RollupWindows.Agg aggOf(final String name) {
        for (final RollupWindows.Agg a : RollupWindows.Agg.values()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static void writeSeries(final JsonGenerator g, final LabelSet labels, final SampleBuffer samples)
        throws IOException {
        g.writeStartObject();
        writeLabels(g, "labels", labels);
        g.writeArrayFieldStart("samples");
        for (int i = 0; i < samples.size(); i++) {
            g.writeStartArray();
            g.writeNumber(samples.timestampAt(i));
            g.writeString(formatValue(Double.longBitsToDouble(samples.valueBitsAt(i))));
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Prometheus-style value text: NaN, +Inf, -Inf, or the shortest decimal. */
    static String formatValue(final double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void writeLabels(final JsonGenerator g, final String field, final LabelSet labels)
        throws IOException {
        g.writeObjectFieldStart(field);
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }

    private void names(final HttpExchange x, final String labelName) {
        final List<LabelMatcher> matchers = matchers(x, false);
        final Range r = matchers == null || x.responded() ? null : range(x);
        if (r == null || x.responded()) {
            return;
        }
        respondLater(x, g -> {
            final Querier q = new Querier(db);
            final List<String> names = labelName == null ? q.labelNames(matchers, r.start(), r.end(), 0)
                : q.labelValues(labelName, matchers, r.start(), r.end(), 0);
            g.writeStartArray();
            for (final String n : names) {
                g.writeString(n);
            }
            g.writeEndArray();
        });
    }

    private void series(final HttpExchange x) {
        final List<LabelMatcher> matchers = matchers(x, true);
        final Range r = matchers == null || x.responded() ? null : range(x);
        if (r == null || x.responded()) {
            return;
        }
        respondLater(x, g -> {
            g.writeStartArray();
            for (final LabelSet l : new Querier(db).series(matchers, r.start(), r.end(), 0)) {
                g.writeStartObject();
                for (int i = 0; i < l.size(); i++) {
                    g.writeStringField(l.name(i), l.value(i));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private void status(final HttpExchange x) {
        respondLater(x, g -> {
            g.writeStartObject();
            g.writeNumberField("headSeries", db.head().registry().size());
            g.writeNumberField("headSamples", db.head().sampleCount());
            g.writeNumberField("headMaxTime", db.head().maxTimeMs());
            g.writeNumberField("samplesAppended", db.head().metrics().appended());
            g.writeNumberField("samplesDuplicate", db.head().metrics().duplicates());
            g.writeNumberField("samplesRejectedTooOld", db.head().metrics().tooOld());
            g.writeNumberField("tombstonedSeries", db.tombstones().size());
            g.writeNumberField("blockBytes", db.blockBytes());
            g.writeArrayFieldStart("blocks");
            for (final Block b : db.blocks()) {
                g.writeStartObject();
                g.writeStringField("name", b.meta().name());
                g.writeNumberField("minTime", b.meta().minTimeMs());
                g.writeNumberField("maxTime", b.meta().maxTimeMs());
                g.writeNumberField("samples", b.meta().samples());
                g.writeNumberField("series", b.meta().series());
                g.writeNumberField("level", b.meta().level());
                g.writeNumberField("bytes", b.sizeBytes());
                g.writeNumberField("rollupBytes", b.rollupBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void cleanTombstones(final HttpExchange x) {
        cleanTombstones.get().whenComplete((rewritten, e) -> {
            if (e != null) {
                x.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL.wireName(),
                    "clean tombstones failed: " + e.getMessage(), null);
            } else {
                x.respondJson(HttpResponseStatus.OK, ("{\"status\":\"success\",\"data\":{\"blocksRewritten\":"
                    + rewritten + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
    }
}
