package io.metricstream.query.warmup;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.query.api.PromApiRoutes;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.remote.ChunkDecoder;
import io.metricstream.query.remote.StorageFanout;
import io.metricstream.runtime.http.HttpServer;
import io.metricstream.runtime.http.HttpServerOptions;
import io.metricstream.runtime.http.Router;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.metricstream.runtime.lifecycle.JitActivity;
import io.metricstream.runtime.logging.DistinctErrorLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the query path — the HTTP API, parse, select through a {@link StorageFanout} and its storage client (the
 * binary protocol, SELECT_CHUNKS answers decoded frame by frame, SELECT_WINDOWS), chunk decoding, the common range
 * functions, aggregations and binary operators, range and instant, the JSON answer in pooled buffers written to the
 * socket — over a {@link WarmupSource}'s synthetic series served by a {@link WarmupStorage}: a private
 * {@link PromApiRoutes} and that storage server on ephemeral loopback ports of event loops of their own (closed
 * afterwards), asked over HTTP until {@code rounds} rounds of {@link #QUERIES} ran or {@code budgetMs}
 * passed (checked before each query), so that C2 has compiled the path before a user's first query (a fresh JVM
 * answers its first queries 3-9x slower than warm ones). Answers are discarded; nothing user-visible changes (its
 * routes count nothing, the user's storage is never asked). Not thread-safe: run once, on one thread.
 */
public final class QueryWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(QueryWarmup.class);
    private static final long END_MS = WarmupSource.START_MS + WarmupSource.SPAN_MS;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One warm-up query.
     *
     * @param instant instant query at the end of the data (else a range query over all of it)
     * @param stepMs range query step
     * @param promql the query
     */
    record Query(boolean instant, long stepMs, String promql) {
    }

    /** The queries of one round: the shapes users run most (PEERS.md's five and their neighbours). */
    static final List<Query> QUERIES = List.of(
        range("sum by (region)(rate(warmup_requests_total[5m]))"),
        range("avg_over_time(warmup_cpu_percent{host=~\"h1.*\"}[10m])"),
        range("max by (job)(warmup_load)"),
        range("rate(warmup_requests_total[5m]) + rate(warmup_bytes_total[5m])"),
        new Query(true, 0, "sum by (region)(max_over_time(warmup_cpu_percent[1d]))"),
        new Query(false, 15_000, "rate(warmup_requests_total[1m]) * 2 + rate(warmup_bytes_total[1m])"),
        range("sum by (job)(increase(warmup_requests_total[10m]))"),
        range("avg by (region)(warmup_cpu_percent) > 10"),
        range("min by (host)(min_over_time(warmup_load[5m])) / on() group_left() count(warmup_load)"),
        range("sum_over_time(warmup_cpu_percent[15m]) - count_over_time(warmup_cpu_percent[15m])"),
        range("irate(warmup_bytes_total{job=\"job1\"}[2m])"),
        range("max_over_time(warmup_load[1h]) + last_over_time(warmup_load[1h])"),
        new Query(true, 0, "topk(3, rate(warmup_requests_total[5m]))"),
        new Query(true, 0, "warmup_cpu_percent{region=\"r1\"}"));

    /**
     * What a warm-up did.
     *
     * @param rounds whole rounds of {@link #QUERIES} run (the budget may end one midway), settling ones excluded
     * @param settleRounds whole rounds run after {@code rounds} until the JIT settled
     * @param settled whether the last {@link JitActivity#QUIET_ROUNDS} rounds ended with none of the path queued
     *     for compilation
     * @param queries queries run
     * @param wallMs wall time
     * @param threadCpuMs CPU time of the warm-up thread (decoding and JSON parts run on other threads too)
     * @param storage what the warm-up's storage server answered
     * @param failure the failure that stopped it, or null
     */
    public record Report(int rounds, int settleRounds, boolean settled, int queries, long wallMs, long threadCpuMs,
                         Traffic storage, Throwable failure) {
    }

    /**
     * What the warm-up's storage server answered.
     *
     * @param selectChunks SELECT_CHUNKS requests answered
     * @param chunkFrames frames of those answers
     * @param selectWindows SELECT_WINDOWS requests answered
     * @param selects SELECT requests answered
     * @param errors requests answered with an error
     */
    public record Traffic(long selectChunks, long chunkFrames, long selectWindows, long selects, long errors) {
        /** Nothing answered. */
        public static final Traffic NONE = new Traffic(0, 0, 0, 0, 0);
    }

    private final Engine.Options options;
    private final WarmupSource source;
    private final ChunkDecoder decoder;
    private final int rounds;
    private final int maxSettleRounds;
    private final long budgetMs;

    /**
     * A warm-up of an engine of {@code options} over {@code source}'s series, decoded (chunks and the source's own
     * work) on {@code decoder}'s threads: the service's, so that they are warm too.
     */
    public QueryWarmup(final Engine.Options options, final WarmupSource source, final ChunkDecoder decoder,
                       final int rounds, final long budgetMs) {
        this(options, source, decoder, rounds, 0, budgetMs);
    }

    /**
     * Like the other constructor, then up to {@code maxSettleRounds} more rounds until {@link JitActivity#QUIET_ROUNDS}
     * rounds in a row ended with none of the path queued for compilation (the last fixed round counts).
     */
    public QueryWarmup(final Engine.Options options, final WarmupSource source, final ChunkDecoder decoder,
                       final int rounds, final int maxSettleRounds, final long budgetMs) {
        this.options = options;
        this.source = source;
        this.decoder = decoder;
        this.rounds = rounds;
        this.maxSettleRounds = maxSettleRounds;
        this.budgetMs = budgetMs;
    }

    private static Query range(final String promql) {
        return new Query(false, 60_000, promql);
    }

    /**
     * Runs the warm-up, after any other warm-up of this JVM ({@link JitActivity#takeTurn}), and logs what it ran; a
     * failure is logged and reported, never thrown. The budget counts from the turn.
     */
    public Report run() {
        return JitActivity.inTurn(this::runTurn, e -> {
            LOG.info("query warm-up stopped by shutdown while waiting for its turn");
            return new Report(0, 0, false, 0, 0, 0, Traffic.NONE, e);
        });
    }

    private Report runTurn(final long waitMs) {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long cpu0 = threads.getCurrentThreadCpuTime();
        final long t0 = System.nanoTime();
        final long deadline = t0 + budgetMs * 1_000_000;
        int round = 0;
        int queries = 0;
        int settleRounds = 0;
        boolean settled = false;
        List<String> stillQueued = List.of();
        List<String> midTier = List.of();
        int midTierCount = -1;
        long c2WaitMs = 0;
        long firstWaitMs = 0;
        Throwable failure = null;
        final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "query-warmup-eval");
            t.setDaemon(true);
            return t;
        });
        Traffic traffic = Traffic.NONE;
        // two worker loops: the storage server's and the client's channels are spread over them (storage and query
        // do not share a thread in two processes)
        try (EventLoops loops = EventLoops.create(2); HttpClient client = HttpClient.newHttpClient();
             WarmupStorage storage = new WarmupStorage(source, loops);
             StorageFanout fanout = new StorageFanout(List.of(storage.address()), new ClientOptions(
                 ClientOptions.DEFAULT.connectTimeoutMs(), (int) ANSWER_TIMEOUT.toMillis(),
                 ClientOptions.DEFAULT.maxFrameBytes(), ClientOptions.DEFAULT.reconnect()), loops.workerGroup(),
                 decoder)) {
            final Router router = new Router();
            new PromApiRoutes(new Engine(fanout, options), fanout, executor, ANSWER_TIMEOUT.toMillis(), null, null)
                .register(router);
            final HttpServer server = HttpServer.bind(loops, HttpServerOptions.plain("127.0.0.1", 0), router,
                new DistinctErrorLog(LOG, Duration.ofSeconds(10)));
            try {
                final String base = "http://127.0.0.1:" + server.port();
                final JitActivity jit = new JitActivity("io.metricstream.query.", "io.metricstream.contracts.chunk.",
                    "io.metricstream.contracts.storage.");
                // rounds against a long C2 queue (the select warm-up's last compiles, the services' own) would
                // leave the path at tier 2, unprofiled; at most a quarter of the budget, the rest for rounds
                firstWaitMs = jit.awaitShortC2Queue(startWaitCapMs(deadline), () -> going(deadline));
                while (round < rounds && going(deadline)) {
                    queries += round(client, base, deadline, decoder);
                    if (queries % QUERIES.size() == 0) {
                        round++;
                        jit.fixedRoundEnded();
                    }
                }
                // then until rounds end with none of the path queued for compilation and the path's hot code
                // no longer leaving tier 2/3 (JitActivity): compiled at tier 4 from the warm-up's profiles; a
                // round the deadline cut short is the last
                if (round == rounds) {
                    final int[] asked = {0};
                    settleRounds = jit.settle(maxSettleRounds, () -> going(deadline), () -> {
                        asked[0] += round(client, base, deadline, decoder);
                    });
                    queries += asked[0];
                    if (asked[0] < settleRounds * QUERIES.size()) {
                        settleRounds--;
                    }
                }
                settled = jit.settled();
                stillQueued = settled ? List.of() : jit.queuedMethods(5);
                midTier = jit.midTierMethods(5);
                midTierCount = jit.midTierCount();
                c2WaitMs = jit.c2WaitMs();
            } finally {
                server.stopAccepting();
                server.drainAndClose(Duration.ofSeconds(1));
                traffic = storage.traffic();
            }
        } catch (final Exception | AssertionError | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = e;
        } finally {
            executor.shutdownNow();
        }
        final Report report = new Report(round, settleRounds, settled, queries,
            (System.nanoTime() - t0) / 1_000_000,
            (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000, traffic, failure);
        if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            LOG.info("query warm-up stopped by shutdown after {} queries in {} ms", queries, report.wallMs());
        } else if (failure != null) {
            LOG.warn("query warm-up failed after {} queries in {} ms; the service runs without it", queries,
                report.wallMs(), failure);
        } else {
            LOG.info("query warm-up: {} rounds of {} queries over HTTP on loopback, {} synthetic samples served "
                + "over the storage protocol ({}), then {} rounds until the JIT {}, in {} ms (warm-up thread CPU {} "
                + "ms; {} ms waiting for its turn; {} ms for C2's queue, {} of them before the first round); {} of its "
                + "methods left at tier 2/3 {}", round, QUERIES.size(),
                source.samples(), traffic, settleRounds, settling(report, stillQueued), report.wallMs(),
                report.threadCpuMs(), waitMs, c2WaitMs, firstWaitMs, midTierCount, midTier);
        }
        return report;
    }

    /**
     * One round of {@link #QUERIES} (fewer past the deadline), on new scratch arrays ({@link
     * ChunkDecoder#renewScratches}); returns the queries run.
     */
    private static int round(final HttpClient client, final String base, final long deadline,
                             final ChunkDecoder decoder) throws IOException, InterruptedException {
        decoder.renewScratches();
        int queries = 0;
        for (int i = 0; i < QUERIES.size() && going(deadline); i++) {
            ask(client, base, QUERIES.get(i));
            queries++;
        }
        return queries;
    }

    private String settling(final Report report, final List<String> stillQueued) {
        return report.settled() ? "settled" : maxSettleRounds == 0 ? "was not waited for"
            : "was still compiling" + (stillQueued.isEmpty() ? "" : " " + String.join(", ", stillQueued));
    }

    /** The longest wait for C2's queue before the first round: a quarter of the budget left (the rest: rounds). */
    private static long startWaitCapMs(final long deadlineNanos) {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 4_000_000);
    }

    /** Before the budget's end and not interrupted (the service closes: it stops the warm-up). */
    private static boolean going(final long deadlineNanos) {
        return System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted();
    }

    private static void ask(final HttpClient client, final String base, final Query q)
        throws IOException, InterruptedException {
        final String query = "query=" + URLEncoder.encode(q.promql(), StandardCharsets.UTF_8);
        final String path = q.instant() ? "/api/v1/query?" + query + "&time=" + seconds(END_MS)
            : "/api/v1/query_range?" + query + "&start=" + seconds(WarmupSource.START_MS) + "&end=" + seconds(END_MS)
                + "&step=" + seconds(q.stepMs());
        final HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
            .timeout(ANSWER_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("warm-up query " + q.promql() + " answered " + r.statusCode() + ": "
                + new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8));
        }
    }

    private static String seconds(final long ms) {
        return ms / 1000 + "." + String.format(Locale.ROOT, "%03d", ms % 1000);
    }
}
