package io.metricstream.storage;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.client.ReconnectPolicy;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.lifecycle.WarmupGate;
import io.metricstream.storage.consume.InboundConsumer;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.SelectFrameAdapter;
import io.metricstream.storage.select.SelectMetrics;
import io.metricstream.storage.select.StorageHttpRoutes;
import io.metricstream.storage.select.warmup.SelectWarmup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The storage service: recovers its database (blocks, tombstones, head checkpoint), consumes topic
 * {@code metrics.inbound} in consumer group {@code storage} into the head, flushes blocks, and serves the binary
 * select protocol and a debug HTTP JSON API. With {@code storage.warmup_enabled} it first runs the select path over
 * a throwaway database ({@link SelectWarmup}) on a thread of its own: ready once that is done, and selects arriving
 * earlier wait for it. See storage-service/README.md.
 */
public final class StorageService implements Service {
    private TimeSeriesDb db;
    private QueueClient queue;
    private InboundConsumer consumer;
    private ExecutorService queries;
    private final CompletableFuture<SelectWarmup.Report> warmup = new CompletableFuture<>();
    private Thread warmupThread;

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public ConfigTable configTable() {
        return StorageConfig.TABLE;
    }

    /** The database (after start). */
    public TimeSeriesDb db() {
        return db;
    }

    /** Completes when the startup warm-up has run (at once when it is off); never exceptionally. */
    public CompletableFuture<SelectWarmup.Report> warmup() {
        return warmup;
    }

    /** The consumer (after start). */
    public InboundConsumer consumer() {
        return consumer;
    }

    @Override
    public void start(final ServiceHost host) throws Exception {
        final Config c = host.config();
        final long blockMs = c.get(StorageConfig.BLOCK_DURATION_MS);
        final long windowMs = c.get(StorageConfig.OUT_OF_ORDER_WINDOW_MS);
        if (windowMs > blockMs / 2) {
            throw new IllegalArgumentException("storage.out_of_order_window_ms=" + windowMs
                + " must be <= storage.block_duration_ms / 2 = " + blockMs / 2);
        }
        final HeadOptions head = new HeadOptions(c.get(StorageConfig.CHUNK_MAX_SAMPLES), blockMs, windowMs,
            c.get(StorageConfig.MAX_SERIES), c.get(StorageConfig.MAX_LABELS_PER_SERIES),
            c.get(StorageConfig.MAX_LABEL_LENGTH));
        final DbOptions options = new DbOptions(head, c.get(StorageConfig.RETENTION_MS),
            c.get(StorageConfig.RETENTION_BYTES), 3, 4, c.get(StorageConfig.ROLLUP_MIN_BLOCK_SPAN_MS),
            c.get(StorageConfig.MAX_CHUNK_SEGMENT_BYTES));
        db = TimeSeriesDb.open(host.dataDir(), options, new HeadMetrics(host.metrics()));
        registerGauges(host);
        final AtomicInteger threads = new AtomicInteger();
        queries = Executors.newFixedThreadPool(c.get(StorageConfig.QUERY_THREADS), r -> {
            final Thread t = new Thread(r, "storage-query-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        final String queueAddress = c.get(StorageConfig.QUEUE_ADDRESS);
        queue = new QueueClient(queueAddress, new ClientOptions(2_000, 10_000,
            FrameDescriptor.DEFAULT_MAX_FRAME_BYTES, new ReconnectPolicy(50, 1_000)), host.clientGroup(queueAddress));
        consumer = new InboundConsumer(db, queue, new InboundConsumer.Settings(c.get(StorageConfig.TOPIC),
            c.get(StorageConfig.CONSUMER_GROUP), c.get(StorageConfig.SESSION_TIMEOUT_MS).intValue(),
            c.get(StorageConfig.FETCH_MAX_WAIT_MS).intValue(), c.get(StorageConfig.FETCH_MAX_BYTES).intValue(),
            c.get(StorageConfig.CHECKPOINT_INTERVAL_MS), 5_000));
        final int frameBytes = c.get(StorageConfig.SELECT_FRAME_BYTES);
        final ExecutorService selects;
        if (c.get(StorageConfig.WARMUP_ENABLED)) {
            final SelectWarmup w = new SelectWarmup(head, frameBytes, c.get(StorageConfig.WARMUP_ROUNDS),
                c.get(StorageConfig.WARMUP_SETTLE_ROUNDS), c.get(StorageConfig.WARMUP_BUDGET_MS));
            final Thread t = new Thread(() -> {
                try {
                    warmup.complete(w.run());
                } finally {
                    warmup.complete(null); // whatever escaped run(), selects must not wait forever
                }
            }, "storage-warmup");
            t.setDaemon(true);
            t.start();
            warmupThread = t;
            host.readyWhen("warmup", warmup::isDone);
            selects = new WarmupGate(queries, warmup);
        } else {
            warmup.complete(null);
            selects = queries;
        }
        final Supplier<CompletableFuture<Integer>> cleanTombstones = () -> consumer.submit(consumer::cleanTombstones);
        final SelectMetrics selectMetrics = new SelectMetrics(host.metrics());
        host.binary(StorageConfig.BINARY_PORT, () -> new SelectFrameAdapter(db, selects, frameBytes, cleanTombstones,
            selectMetrics), FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
        final StorageHttpRoutes routes = new StorageHttpRoutes(db, selects, cleanTombstones);
        host.http(StorageConfig.HTTP_PORT, routes::register);
        consumer.start();
    }

    private void registerGauges(final ServiceHost host) {
        host.metrics().gauge("storage_head_series", "Series in the head.", () -> db.head().registry().size());
        host.metrics().gauge("storage_blocks", "Open blocks.", () -> db.blocks().size());
        host.metrics().gauge("storage_block_bytes", "Bytes of all blocks on disk (deleted ones still mapped included).",
            db::blockBytes);
        host.metrics().gauge("storage_blocks_retired", "Deleted blocks still mapped (and on disk) for queries reading "
            + "them.", db::retiredBlocks);
        host.metrics().doubleGauge("storage_head_max_time_seconds", "Newest sample timestamp in the head (unix s).",
            () -> db.head().maxTimeMs() / 1000.0);
    }

    @Override
    public void close() {
        if (warmupThread != null) {
            // a warm-up still running would keep its event loops, CPU and temporary directory after the service
            warmupThread.interrupt();
            try {
                warmupThread.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close();
        }
        if (queue != null) {
            queue.close();
        }
        if (queries != null) {
            queries.shutdown();
            try {
                queries.awaitTermination(5, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (db != null) {
            db.close();
        }
    }
}
