package io.metricstream.query.api;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.promql.Parser;
import io.metricstream.query.remote.SeriesSource;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.HttpHandler;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.runtime.metrics.CounterFamily;
import io.metricstream.runtime.metrics.LatencyRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus HTTP API over an {@link Engine} and a {@link SeriesSource}. Handlers parse parameters on the
 * event loop and evaluate on the query executor, answering asynchronously; every failure answers Prometheus's
 * error shape with its status (400 bad_data, 422 execution, 503 timeout/unavailable).
 */
public final class PromApiRoutes {
    private static final String VERSION = "2.42.0";
    private static final DistinctErrorLog ERRORS = new DistinctErrorLog(LoggerFactory.getLogger(PromApiRoutes.class),
        Duration.ofSeconds(10));

    private final Engine engine;
    private final SeriesSource source;
    private final ExecutorService executor;
    private final Executor answerParts;
    private final long timeoutMs;
    private final CounterFamily requests;
    private final LatencyRecorder latency;

    /** Routes over the engine; queries run on {@code executor}, and so do big answers' other JSON parts. */
    public PromApiRoutes(final Engine engine, final SeriesSource source, final ExecutorService executor,
                         final long timeoutMs, final CounterFamily requests, final LatencyRecorder latency) {
        this(engine, source, executor, executor, timeoutMs, requests, latency);
    }

    /**
     * Routes over the engine; queries run on {@code executor}, big answers' JSON parts other than the first on
     * {@code answerParts} (see {@link PromJson#successResultBuf(io.netty.buffer.ByteBufAllocator,
     * io.metricstream.query.eval.QueryResult, Executor)}). Metrics may be null.
     */
    public PromApiRoutes(final Engine engine, final SeriesSource source, final ExecutorService executor,
                         final Executor answerParts, final long timeoutMs, final CounterFamily requests,
                         final LatencyRecorder latency) {
        this.engine = engine;
        this.source = source;
        this.executor = executor;
        this.answerParts = answerParts;
        this.timeoutMs = timeoutMs;
        this.requests = requests;
        this.latency = latency;
    }

    /** Registers every route on {@code router}. */
    public void register(final Router router) {
        both(router, "/api/v1/query", this::query);
        both(router, "/api/v1/query_range", this::queryRange);
        both(router, "/api/v1/series", this::series);
        both(router, "/api/v1/labels", this::labels);
        router.get("/api/v1/label/{name}/values", guarded(this::labelValues));
        router.get("/api/v1/metadata", x -> ok(x, "{}"));
        router.get("/api/v1/status/buildinfo", x -> ok(x, "{\"version\":\"" + VERSION + "\",\"revision\":\""
            + "metricstream\",\"branch\":\"main\",\"buildUser\":\"metricstream\",\"buildDate\":\"\","
            + "\"goVersion\":\"java" + Runtime.version().feature() + "\"}"));
        router.post("/api/v1/admin/tsdb/delete_series", guarded(this::deleteSeries));
        router.route(HttpMethod.PUT, "/api/v1/admin/tsdb/delete_series", guarded(this::deleteSeries));
        router.post("/api/v1/admin/tsdb/clean_tombstones", guarded(this::cleanTombstones));
        router.route(HttpMethod.PUT, "/api/v1/admin/tsdb/clean_tombstones", guarded(this::cleanTombstones));
    }

    private static void both(final Router router, final String path, final HttpHandler h) {
        router.get(path, guarded(h));
        router.post(path, guarded(h));
    }

    private void query(final HttpExchange x) {
        final String q = required(x, "query");
        final String t = x.formOrQueryParam("time");
        final long timeMs = t == null || t.isEmpty() ? System.currentTimeMillis() : ApiParams.timeMs("time", t);
        final long timeout = timeout(x);
        runEncoded(x, "query", () -> PromJson.successResultBuf(x.alloc(), engine.instant(q, timeMs, timeout),
            answerParts));
    }

    private void queryRange(final HttpExchange x) {
        final String q = required(x, "query");
        final long start = ApiParams.timeMs("start", required(x, "start"));
        final long end = ApiParams.timeMs("end", required(x, "end"));
        if (end < start) {
            throw ApiParams.badData("invalid parameter \"end\": end timestamp must not be before start time");
        }
        final long step = ApiParams.durationMs("step", required(x, "step"));
        if (step <= 0) {
            throw ApiParams.badData("invalid parameter \"step\": zero or negative query resolution step widths are "
                + "not accepted. Try a positive integer");
        }
        if ((end - start) / step > Engine.MAX_POINTS) {
            throw ApiParams.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing "
                + "the query resolution (?step=XX)");
        }
        final long timeout = timeout(x);
        runEncoded(x, "query_range", () -> PromJson.successResultBuf(x.alloc(),
            engine.range(q, start, end, step, timeout), answerParts));
    }

    private void series(final HttpExchange x) {
        final List<List<LabelMatcher>> sets = matchers(x, true);
        final long start = optionalTime(x, "start", ApiParams.MIN_TIME_MS);
        final long end = optionalTime(x, "end", ApiParams.MAX_TIME_MS);
        run(x, "series", () -> {
            final Set<LabelSet> all = new TreeSet<>();
            for (final List<LabelMatcher> m : sets) {
                all.addAll(await(source.series(new MetadataRequest("", start, end, 0, m))));
            }
            final StringBuilder sb = new StringBuilder("[");
            for (final LabelSet l : all) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                PromJson.labels(sb, l);
            }
            return PromJson.success(sb.append(']'));
        });
    }

    private void labels(final HttpExchange x) {
        final List<List<LabelMatcher>> sets = matchers(x, false);
        final long start = optionalTime(x, "start", ApiParams.MIN_TIME_MS);
        final long end = optionalTime(x, "end", ApiParams.MAX_TIME_MS);
        run(x, "labels", () -> PromJson.success(PromJson.strings(union(sets, m ->
            source.labelNames(new MetadataRequest("", start, end, 0, m))))));
    }

    private void labelValues(final HttpExchange x) {
        final String name = x.pathParam("name");
        if (!MetricNames.isValidLabelName(name) && !name.equals(MetricNames.METRIC_NAME_LABEL)) {
            throw ApiParams.badData("invalid label name: \"" + name + "\"");
        }
        final List<List<LabelMatcher>> sets = matchers(x, false);
        final long start = optionalTime(x, "start", ApiParams.MIN_TIME_MS);
        final long end = optionalTime(x, "end", ApiParams.MAX_TIME_MS);
        run(x, "label_values", () -> PromJson.success(PromJson.strings(union(sets, m ->
            source.labelValues(new MetadataRequest(name, start, end, 0, m))))));
    }

    private void deleteSeries(final HttpExchange x) {
        final List<List<LabelMatcher>> sets = matchers(x, true);
        final long start = optionalTime(x, "start", ApiParams.MIN_TIME_MS);
        final long end = optionalTime(x, "end", ApiParams.MAX_TIME_MS);
        run(x, "delete_series", () -> {
            for (final List<LabelMatcher> m : sets) {
                await(source.deleteSeries(new MetadataRequest("", start, end, 0, m)));
            }
            return null;
        });
    }

    private void cleanTombstones(final HttpExchange x) {
        run(x, "clean_tombstones", () -> {
            await(source.cleanTombstones());
            return null;
        });
    }

    private List<String> union(final List<List<LabelMatcher>> sets,
                               final java.util.function.Function<List<LabelMatcher>,
                                   CompletableFuture<List<String>>> call) {
        if (sets.isEmpty()) {
            return await(call.apply(List.of()));
        }
        final Set<String> all = new TreeSet<>();
        for (final List<LabelMatcher> m : sets) {
            all.addAll(await(call.apply(m)));
        }
        return new ArrayList<>(all);
    }

    private <T> T await(final CompletableFuture<T> f) {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw new QueryException(QueryException.Type.TIMEOUT, "storage request timed out");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(QueryException.Type.TIMEOUT, "interrupted");
        } catch (final ExecutionException e) {
            throw new QueryException(QueryException.Type.UNAVAILABLE, "storage request failed: "
                + e.getCause().getMessage());
        }
    }

    private static List<List<LabelMatcher>> matchers(final HttpExchange x, final boolean required) {
        final List<String> raw = new ArrayList<>(new LinkedHashSet<>(x.formOrQueryParams("match[]")));
        if (raw.isEmpty() && required) {
            throw ApiParams.badData("no match[] parameter provided");
        }
        final List<List<LabelMatcher>> out = new ArrayList<>(raw.size());
        for (final String s : raw) {
            try {
                out.add(Parser.parseSelector(s).matchers());
            } catch (final ParseException e) {
                throw ApiParams.badData("invalid parameter \"match[]\": " + e.getMessage());
            }
        }
        return out;
    }

    /** The {@code timeout} parameter (a duration), capped by {@code query.timeout_ms}. */
    private long timeout(final HttpExchange x) {
        final String v = x.formOrQueryParam("timeout");
        if (v == null || v.isEmpty()) {
            return timeoutMs;
        }
        final long ms = ApiParams.durationMs("timeout", v);
        if (ms <= 0) {
            throw ApiParams.badData("invalid parameter \"timeout\": must be positive; got " + v);
        }
        return Math.min(ms, timeoutMs);
    }

    private static long optionalTime(final HttpExchange x, final String name, final long dflt) {
        final String v = x.formOrQueryParam(name);
        return v == null || v.isEmpty() ? dflt : ApiParams.timeMs(name, v);
    }

    private static String required(final HttpExchange x, final String name) {
        final String v = x.formOrQueryParam(name);
        if (v == null || v.isEmpty()) {
            throw ApiParams.badData("invalid parameter \"" + name + "\": missing or empty");
        }
        return v;
    }

    /** Evaluation body: returns the JSON to send with 200, or null for 204. */
    @FunctionalInterface
    private interface Body {
        CharSequence get() throws ParseException;
    }

    /** Evaluation body answering UTF-8 JSON in a buffer the caller then owns, or null for 204. */
    @FunctionalInterface
    private interface EncodedBody {
        ByteBuf get() throws ParseException;
    }

    private void run(final HttpExchange x, final String endpoint, final Body body) {
        runEncoded(x, endpoint, () -> {
            final CharSequence json = body.get();
            return json == null ? null : Unpooled.wrappedBuffer(json.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    private void runEncoded(final HttpExchange x, final String endpoint, final EncodedBody body) {
        final long t0 = System.nanoTime();
        try {
            executor.execute(() -> {
                try {
                    final ByteBuf json = body.get();
                    count(endpoint, "success");
                    if (json == null) {
                        x.respond(HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER);
                    } else {
                        x.respond(HttpResponseStatus.OK, "application/json", json);
                    }
                } catch (final ParseException e) {
                    count(endpoint, "bad_data");
                    error(x, new QueryException(QueryException.Type.BAD_DATA, "invalid parameter \"query\": "
                        + e.getMessage()));
                } catch (final QueryException e) {
                    count(endpoint, e.type().text());
                    error(x, e);
                } catch (final StackOverflowError e) {
                    count(endpoint, "bad_data");
                    error(x, new QueryException(QueryException.Type.BAD_DATA, "invalid parameter \"query\": "
                        + "expression nested too deeply"));
                } catch (final RuntimeException e) {
                    count(endpoint, "internal");
                    ERRORS.error(DistinctErrorLog.keyOf(e), "query failed on " + endpoint, e);
                    error(x, new QueryException(QueryException.Type.INTERNAL, String.valueOf(e)));
                } catch (final OutOfMemoryError e) {
                    // the answer's memory is gone by now (its buffers were released on the way out): say so rather
                    // than leave the client waiting for its timeout
                    count(endpoint, "internal");
                    ERRORS.error(DistinctErrorLog.keyOf(e), "query ran out of memory on " + endpoint, e);
                    error(x, new QueryException(QueryException.Type.INTERNAL, "out of memory answering the query ("
                        + e.getMessage() + "): narrow the query or give the query service more heap"));
                } finally {
                    if (latency != null) {
                        latency.recordNanos(System.nanoTime() - t0);
                    }
                }
            });
        } catch (final RejectedExecutionException e) {
            error(x, new QueryException(QueryException.Type.UNAVAILABLE, "query service is shutting down"));
        }
    }

    private void count(final String endpoint, final String outcome) {
        if (requests != null) {
            requests.labels(endpoint, outcome).increment();
        }
    }

    /** Answers {@code e} in Prometheus's error shape. */
    public static void error(final HttpExchange x, final QueryException e) {
        respond(x, HttpResponseStatus.valueOf(e.type().httpStatus()), PromJson.error(e.type().text(),
            e.getMessage()));
    }

    private static void ok(final HttpExchange x, final String data) {
        respond(x, HttpResponseStatus.OK, PromJson.success(data));
    }

    /**
     * Sends {@code json} as UTF-8. {@code String.getBytes} (vectorised: the text is Latin-1 and almost always ASCII)
     * beats Netty's per-character {@code ByteBufUtil.writeUtf8} into a direct buffer, which JFR showed taking half
     * of the query threads' time on the 4.6 MB answer of PEERS.md's Q4.
     */
    private static void respond(final HttpExchange x, final HttpResponseStatus status, final CharSequence json) {
        x.respond(status, "application/json", Unpooled.wrappedBuffer(json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Wraps a handler so a {@link QueryException} thrown while reading parameters answers the error shape. */
    public static HttpHandler guarded(final HttpHandler h) {
        return x -> {
            try {
                h.handle(x);
            } catch (final QueryException e) {
                if (!x.responded()) {
                    error(x, e);
                }
            }
        };
    }
}
