package io.metricstream.ingestion;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.ingestion.auth.ApiKeyAuthenticator;
import io.metricstream.ingestion.batch.PartitionBatcher;
import io.metricstream.ingestion.batch.PartitionChooser;
import io.metricstream.ingestion.batch.SizeHistogram;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.http.IngestPipeline;
import io.metricstream.ingestion.http.InfluxWriteHandler;
import io.metricstream.ingestion.http.MetricsJsonHandler;
import io.metricstream.ingestion.http.RemoteWriteHandler;
import io.metricstream.ingestion.ratelimit.LimiterShards;
import io.metricstream.ingestion.ring.IngestRing;
import io.metricstream.ingestion.ring.RingExceptions;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.flow.InFlightBudget;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.LatencyRecorder;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the ingestion service: HTTP routes (JSON, Influx line protocol, remote write) → admission
 * ({@link IngestPipeline}) → the Disruptor ring ({@link IngestRing}) → the single batcher
 * ({@link PartitionBatcher}) → {@link QueueClient#produce} to {@code ingestion.topic}. The partition count comes
 * from the queue's METADATA at start and from a refresh every {@value #REFRESH_MS} ms while the queue is
 * unreachable (every {@value #HEALTHY_REFRESH_MS} ms otherwise); a restarted queue is found again by the client's
 * reconnect, without restarting ingestion.
 */
public final class IngestionService implements Service {
    static final long REFRESH_MS = 500;
    static final long HEALTHY_REFRESH_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(IngestionService.class);

    private final DistinctErrorLog errors = new DistinctErrorLog(LOG, Duration.ofSeconds(10));
    private final PartitionChooser chooser = new PartitionChooser();
    private volatile boolean queueAvailable;
    private volatile long lastMetadataMs;
    private QueueClient queue;
    private IngestRing ring;
    private InFlightBudget budget;
    private ScheduledFuture<?> refresher;
    private String topic;

    @Override
    public String name() {
        return IngestionConfig.SECTION;
    }

    @Override
    public ConfigTable configTable() {
        return IngestionConfig.TABLE;
    }

    @Override
    public void start(final ServiceHost host) throws Exception {
        final Config c = host.config();
        topic = c.get(IngestionConfig.TOPIC);
        final String address = c.get(IngestionConfig.QUEUE_ADDRESS);
        final int timeoutMs = c.get(IngestionConfig.QUEUE_TIMEOUT_MS);
        final ClientOptions options = new ClientOptions(Math.min(2_000, timeoutMs), timeoutMs,
            ClientOptions.DEFAULT.maxFrameBytes(), ClientOptions.DEFAULT.reconnect());
        queue = new QueueClient(address, options, host.clientGroup(address));
        budget = new InFlightBudget(c.get(IngestionConfig.MAX_INFLIGHT_BYTES));
        final MetricsRegistry metrics = host.metrics();
        final long lingerMs = c.get(IngestionConfig.BATCH_LINGER_MS);
        final PartitionBatcher batcher = new PartitionBatcher((partition, batch) -> queue.produce(topic, partition,
            batch), PooledByteBufAllocator.DEFAULT, (int) (long) c.get(IngestionConfig.BATCH_MAX_BYTES), lingerMs,
            c.get(IngestionConfig.BATCH_MAX_INFLIGHT), batcherListener(metrics));
        ring = new IngestRing(c.get(IngestionConfig.RING_SIZE), batcher, lingerMs, r -> {
            final Thread t = new Thread(r, "ms-ingest-batcher");
            t.setDaemon(true);
            return t;
        }, new RingExceptions(errors));
        final IngestRing signals = ring;
        batcher.answerSignal(signals::signal);
        batcher.ackScope(HttpExchange::respondBatched);
        final IngestPipeline pipeline = pipeline(c, metrics);
        registerGauges(metrics);
        refreshMetadata().join();
        refresher = host.scheduler().scheduleWithFixedDelay(this::maybeRefresh, REFRESH_MS, REFRESH_MS,
            TimeUnit.MILLISECONDS);
        host.readyWhen("queue_metadata", () -> chooser.partitions() > 0);
        final InfluxWriteHandler influx = new InfluxWriteHandler(pipeline);
        final RemoteWriteHandler remoteWrite = new RemoteWriteHandler(pipeline);
        final MetricsJsonHandler json = new MetricsJsonHandler(pipeline);
        host.http(IngestionConfig.HTTP_PORT, router -> router
            .post("/metrics", json)
            .post("/write", influx)
            .post("/api/v2/write", influx)
            .post("/api/v1/write", remoteWrite));
    }

    private IngestPipeline pipeline(final Config c, final MetricsRegistry metrics) {
        final ParseLimits limits = new ParseLimits(c.get(IngestionConfig.MAX_LABELS_PER_SERIES),
            c.get(IngestionConfig.MAX_LABEL_NAME_LENGTH), c.get(IngestionConfig.MAX_LABEL_VALUE_LENGTH),
            c.get(IngestionConfig.MAX_SAMPLES_PER_REQUEST), (int) (long) c.get(IngestionConfig.MAX_BODY_BYTES));
        final long rate = c.get(IngestionConfig.RATE_LIMIT_SAMPLES_PER_S);
        final LimiterShards limiter = rate == 0 ? null : new LimiterShards(rate,
            c.get(IngestionConfig.RATE_LIMIT_WINDOW_MS));
        final List<String> keys = c.get(IngestionConfig.API_KEYS);
        return new IngestPipeline(limits, c.get(IngestionConfig.INFLUX_SKIP_SINGLE_FIELD),
            new ApiKeyAuthenticator(keys), limiter, budget, ring, chooser, () -> queueAvailable,
            c.get(IngestionConfig.RETRY_AFTER_S), metrics);
    }

    private void registerGauges(final MetricsRegistry metrics) {
        metrics.gauge("ingestion_ring_occupancy",
            "Series runs (and signals) published to the ring and not yet batched.", ring::occupancy);
        metrics.gauge("ingestion_ring_capacity", "Slots of the ingest ring (one series run each).", ring::capacity);
        metrics.gauge("ingestion_inflight_bytes", "Bytes of accepted requests not yet acked by the queue.",
            budget::usedBytes);
        metrics.gauge("ingestion_queue_partitions", "Partitions of the topic (0 = unknown).", chooser::partitions);
        metrics.gauge("ingestion_queue_available", "1 while the queue answers.", () -> queueAvailable ? 1 : 0);
    }

    private PartitionBatcher.Listener batcherListener(final MetricsRegistry metrics) {
        final Counter batches = metrics.counter("ingestion_batches_total", "Record batches sent to the queue.");
        final Counter batchBytes = metrics.counter("ingestion_batch_bytes_total", "Bytes of record batches sent.");
        final Counter records = metrics.counter("ingestion_batch_records_total", "Records in batches sent.");
        final Counter failed = metrics.counter("ingestion_batches_failed_total", "Batches the queue did not ack.");
        final LatencyRecorder ack = metrics.latency("ingestion_queue_ack_latency_seconds",
            "Time from sending a batch to the queue's ack.");
        final SizeHistogram sizes = new SizeHistogram(metrics, "ingestion_batch_bytes", "Bytes per record batch",
            64L << 20);
        return new PartitionBatcher.Listener() {
            @Override
            public void onSent(final int partition, final int bytes, final int recordCount, final int samples) {
                batches.increment();
                batchBytes.add(bytes);
                sizes.record(bytes);
                records.add(recordCount);
            }

            @Override
            public void onAcked(final int partition, final long latencyNs) {
                ack.recordNanos(latencyNs);
                queueAvailable = true;
            }

            @Override
            public void onFailed(final int partition, final Throwable cause) {
                failed.increment();
                final Throwable t = cause instanceof CompletionException && cause.getCause() != null
                    ? cause.getCause() : cause;
                if (!(t instanceof ContractException ce) || ce.code().retriable()
                    || ce.code() == ErrorCode.UNKNOWN_PARTITION || ce.code() == ErrorCode.UNKNOWN_TOPIC) {
                    queueAvailable = false;
                }
                errors.error("produce:" + (t instanceof ContractException ce ? ce.code().wireName() : t.getClass()
                    .getName()), "produce to " + topic + "/" + partition + " failed: " + t.getMessage(), null);
            }
        };
    }

    private void maybeRefresh() {
        final long age = System.currentTimeMillis() - lastMetadataMs;
        if (!queueAvailable || chooser.partitions() == 0 || age >= HEALTHY_REFRESH_MS) {
            refreshMetadata();
        }
    }

    private java.util.concurrent.CompletableFuture<Void> refreshMetadata() {
        return queue.metadata(topic).handle((topics, failure) -> {
            if (failure != null) {
                queueAvailable = false;
                final Throwable t = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                errors.error("metadata", "cannot read metadata of topic " + topic + " from " + queue
                    .pipelinedClient().address() + ": " + t.getMessage(), null);
                return null;
            }
            for (final TopicMetadata t : topics) {
                if (t.name().equals(topic) && t.partitions() > 0) {
                    if (chooser.partitions() != t.partitions()) {
                        LOG.info("topic {} has {} partitions", topic, t.partitions());
                    }
                    chooser.partitions(t.partitions());
                    lastMetadataMs = System.currentTimeMillis();
                    queueAvailable = true;
                    return null;
                }
            }
            queueAvailable = false;
            errors.error("metadata-missing", "topic " + topic + " is not on the queue yet", null);
            return null;
        });
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.cancel(false);
        }
        if (ring != null) {
            ring.close();
        }
        if (queue != null) {
            queue.close();
        }
    }
}
