package io.metricstream.query;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.query.api.PromApiRoutes;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.remote.ChunkDecoder;
import io.metricstream.query.remote.SeriesSource;
import io.metricstream.query.remote.StorageFanout;
import io.metricstream.query.warmup.QueryWarmup;
import io.metricstream.query.warmup.WarmupSource;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.lifecycle.WarmupGate;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service: a PromQL engine over every storage instance ({@link StorageFanout}), the Prometheus HTTP API
 * ({@link PromApiRoutes}) and the web UI at {@code /}. Stateless: nothing on disk. Queries are evaluated on a
 * bounded pool of {@code query.max_concurrency} threads, never on the event loops. With {@code query.warmup_enabled}
 * it first runs the query path over synthetic series ({@link QueryWarmup}) on a thread of its own: the service is
 * ready once that is done, and queries arriving earlier wait for it.
 */
public final class QueryService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final String UI_RESOURCE = "/io/metricstream/query/ui/index.html";

    private final SeriesSource injected;
    private SeriesSource source;
    private StorageFanout fanout;
    private ChunkDecoder decoder;
    private ExecutorService executor;
    private Engine engine;
    private final CompletableFuture<QueryWarmup.Report> warmup = new CompletableFuture<>();
    private Thread warmupThread;

    /** A service selecting from the configured storage instances. */
    public QueryService() {
        this(null);
    }

    /** A service over {@code source} (tests, embedded use); null = the configured storage instances. */
    public QueryService(final SeriesSource source) {
        this.injected = source;
    }

    @Override
    public String name() {
        return "query";
    }

    @Override
    public ConfigTable configTable() {
        return QueryConfig.TABLE;
    }

    /** Completes when the startup warm-up has run (at once when it is off); never exceptionally. */
    public CompletableFuture<QueryWarmup.Report> warmup() {
        return warmup;
    }

    /** The engine (after start). */
    public Engine engine() {
        return engine;
    }

    @Override
    public void start(final ServiceHost host) {
        final Config config = host.config();
        final long timeoutMs = config.get(QueryConfig.TIMEOUT_MS);
        if (injected != null) {
            source = injected;
        } else {
            final ClientOptions defaults = ClientOptions.DEFAULT;
            final int threads = config.get(QueryConfig.DECODE_THREADS);
            decoder = new ChunkDecoder(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
            fanout = new StorageFanout(config.get(QueryConfig.STORAGE_ADDRESSES), new ClientOptions(
                defaults.connectTimeoutMs(), (int) Math.min(Integer.MAX_VALUE, timeoutMs), defaults.maxFrameBytes(),
                defaults.reconnect()), host.workerGroup(), decoder);
            source = fanout;
        }
        engine = new Engine(source, new Engine.Options(config.get(QueryConfig.LOOKBACK_DELTA_MS),
            config.get(QueryConfig.MAX_SAMPLES), config.get(QueryConfig.MAX_SERIES), timeoutMs,
            config.get(QueryConfig.PUSHDOWN_MIN_RANGE_MS)));
        final AtomicInteger threads = new AtomicInteger();
        final ThreadFactory factory = r -> {
            final Thread t = new Thread(r, "query-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = Executors.newFixedThreadPool(config.get(QueryConfig.MAX_CONCURRENCY), factory);
        final ExecutorService apiExecutor;
        if (config.get(QueryConfig.WARMUP_ENABLED)) {
            startWarmup(config);
            host.readyWhen("warmup", warmup::isDone);
            apiExecutor = new WarmupGate(executor, warmup);
        } else {
            warmup.complete(null);
            apiExecutor = executor;
        }
        // big answers' other JSON parts on the decoding threads (idle once the query's samples are in; started
        // with the service), or the query threads when the source is injected
        final PromApiRoutes api = new PromApiRoutes(engine, source, apiExecutor,
            decoder != null ? decoder.executor() : executor, timeoutMs,
            host.metrics().counterFamily("query_requests_total", "API requests by endpoint and outcome",
                "endpoint", "outcome"),
            host.metrics().latency("query_request_duration_seconds", "API request latency"));
        final byte[] page = uiPage();
        host.http(QueryConfig.HTTP_PORT, router -> {
            api.register(router);
            router.get("/", x -> html(x, page));
            router.get("/graph", x -> html(x, page));
        });
    }

    /** The warm-up on a daemon thread, over the engine's options and this service's decoder (or its own). */
    private void startWarmup(final Config config) {
        final Thread t = new Thread(() -> {
            final ChunkDecoder own = decoder == null ? new ChunkDecoder(2) : null;
            try {
                final WarmupSource synthetic = new WarmupSource(own != null ? own : decoder,
                    PooledByteBufAllocator.DEFAULT);
                final Engine.Options options = new Engine.Options(config.get(QueryConfig.LOOKBACK_DELTA_MS),
                    config.get(QueryConfig.MAX_SAMPLES), config.get(QueryConfig.MAX_SERIES),
                    config.get(QueryConfig.TIMEOUT_MS), config.get(QueryConfig.PUSHDOWN_MIN_RANGE_MS));
                warmup.complete(new QueryWarmup(options, synthetic, own != null ? own : decoder,
                    config.get(QueryConfig.WARMUP_ROUNDS), config.get(QueryConfig.WARMUP_SETTLE_ROUNDS),
                    config.get(QueryConfig.WARMUP_BUDGET_MS)).run());
            } catch (final RuntimeException | Error e) {
                // QueryWarmup.run reports its own failures; this covers building the synthetic data
                warmup.complete(new QueryWarmup.Report(0, 0, false, 0, 0, 0, QueryWarmup.Traffic.NONE, e));
                LOG.warn("query warm-up could not start", e);
            } finally {
                if (own != null) {
                    own.close();
                }
            }
        }, "query-warmup");
        t.setDaemon(true);
        t.start();
        warmupThread = t;
    }

    private static void html(final HttpExchange x, final byte[] page) {
        x.respond(HttpResponseStatus.OK, "text/html; charset=utf-8", Unpooled.wrappedBuffer(page));
    }

    private static byte[] uiPage() {
        try (InputStream in = QueryService.class.getResourceAsStream(UI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing UI resource " + UI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (warmupThread != null) {
            // a warm-up still running would keep its event loops and CPU after the service is gone
            warmupThread.interrupt();
            try {
                warmupThread.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (fanout != null) {
            fanout.close();
        }
        if (decoder != null) {
            decoder.close();
        }
    }
}
