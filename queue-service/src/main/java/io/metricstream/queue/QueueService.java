package io.metricstream.queue;

import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.queue.flush.FsyncPolicy;
import io.metricstream.queue.group.CommittedOffsets;
import io.metricstream.queue.group.GroupCoordinator;
import io.metricstream.queue.log.LogOptions;
import io.metricstream.queue.log.SegmentFiles;
import io.metricstream.queue.server.BrokerContext;
import io.metricstream.runtime.flow.InFlightBudget;
import io.metricstream.queue.server.QueueFrameAdapter;
import io.metricstream.queue.server.QueueHttpRoutes;
import io.metricstream.queue.topic.DiskSpace;
import io.metricstream.queue.topic.Partition;
import io.metricstream.queue.topic.PartitionWriters;
import io.metricstream.queue.topic.TopicRegistry;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.runtime.metrics.MetricsRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue: the platform's write-ahead log. Wires topics and partition logs (recovered at start), writer and
 * flush threads, consumer groups and committed offsets, and serves the binary protocol and the HTTP API.
 * Default topic {@code metrics.inbound} with {@code queue.default_partitions} partitions always exists.
 */
public final class QueueService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(QueueService.class);
    /** The topic ingestion produces to. */
    public static final String INBOUND_TOPIC = "metrics.inbound";

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private PartitionWriters writers;
    private ScheduledThreadPoolExecutor flushPool;
    private TopicRegistry topics;
    private CommittedOffsets offsets;
    private volatile boolean recovered;

    @Override
    public String name() {
        return "queue";
    }

    @Override
    public ConfigTable configTable() {
        return QueueConfig.TABLE;
    }

    @Override
    public void start(final ServiceHost host) throws Exception {
        final Config c = host.config();
        final Path dataDir = host.dataDir();
        final MetricsRegistry metrics = host.metrics();
        final LogOptions log = new LogOptions((int) (long) c.get(QueueConfig.SEGMENT_BYTES),
            c.get(QueueConfig.SEGMENT_MS),
            (int) (long) c.get(QueueConfig.INDEX_INTERVAL_BYTES), (int) (long) c.get(QueueConfig.INDEX_MAX_BYTES),
            c.get(QueueConfig.RETENTION_BYTES), c.get(QueueConfig.RETENTION_MS),
            (int) (long) c.get(QueueConfig.MAX_BATCH_BYTES), c.get(QueueConfig.DELETE_DELAY_MS));
        final FsyncPolicy policy = FsyncPolicy.of(c.get(QueueConfig.FSYNC_POLICY));
        writers = new PartitionWriters(c.get(QueueConfig.WRITER_THREADS));
        final AtomicInteger flushThreads = new AtomicInteger();
        flushPool = new ScheduledThreadPoolExecutor(c.get(QueueConfig.FLUSH_THREADS), r -> {
            final Thread t = new Thread(r, "queue-flush-" + flushThreads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        flushPool.setRemoveOnCancelPolicy(true);
        final Partition.Counters counters = new Partition.Counters(
            metrics.counter("queue_records_appended_total", "Records appended to partition logs."),
            metrics.counter("queue_bytes_appended_total", "Record batch bytes appended to partition logs."));
        topics = new TopicRegistry(new TopicRegistry.Settings(dataDir, log, policy, c.get(QueueConfig.GROUP_COMMIT_MS),
            SegmentFiles.DEFAULT, System::currentTimeMillis), writers, flushPool,
            new DiskSpace(dataDir, c.get(QueueConfig.MIN_FREE_DISK_BYTES), 250), counters,
            metrics.latency("queue_fsync_latency_seconds", "Time of one segment fsync."));
        topics.onPartitionOpened(p -> registerGauge(metrics, p));
        final Map<String, Integer> configured = QueueConfig.topics(c.get(QueueConfig.TOPICS),
            c.get(QueueConfig.DEFAULT_PARTITIONS));
        configured.putIfAbsent(INBOUND_TOPIC, c.get(QueueConfig.DEFAULT_PARTITIONS));
        topics.load(configured);
        offsets = CommittedOffsets.open(dataDir);
        final GroupCoordinator groups = new GroupCoordinator(t -> {
            final Partition[] ps = topics.partitions(t);
            return ps == null ? -1 : ps.length;
        }, System::nanoTime);
        metrics.gauge("queue_groups", "Consumer groups known.", groups::groupCount);
        metrics.gauge("queue_group_rebalances", "Generation bumps of all consumer groups so far.",
            groups::rebalances);
        final InFlightBudget inFlight = new InFlightBudget(c.get(QueueConfig.MAX_INFLIGHT_BYTES));
        metrics.gauge("queue_inflight_produce_bytes", "Produce bytes received and not yet acked.", inFlight::usedBytes);
        final BrokerContext broker = new BrokerContext(topics, groups, offsets, inFlight,
            metrics.latency("queue_produce_latency_seconds", "Receive-to-ack time of produces."),
            metrics.counter("queue_fetch_bytes_total", "Record bytes answered by fetches."),
            metrics.counterFamily("queue_requests_failed_total", "Rejected queue requests.", "api", "error"),
            host.scheduler(), c.get(QueueConfig.MAX_FETCH_WAIT_MS), (int) (long) c.get(QueueConfig.MAX_FETCH_BYTES));
        final long retentionMs = c.get(QueueConfig.RETENTION_CHECK_MS);
        tasks.add(host.scheduler().scheduleWithFixedDelay(this::applyRetention, retentionMs, retentionMs,
            TimeUnit.MILLISECONDS));
        tasks.add(host.scheduler().scheduleWithFixedDelay(groups::expireSessions, 100, 100, TimeUnit.MILLISECONDS));
        recovered = true;
        host.readyWhen("queue_recovered", () -> recovered);
        final int maxFrame = (int) Math.min(Integer.MAX_VALUE, c.get(QueueConfig.MAX_BATCH_BYTES) + (64 << 10));
        host.binary(QueueConfig.BINARY_PORT, () -> new QueueFrameAdapter(broker),
            Math.max(maxFrame, FrameDescriptor.DEFAULT_MAX_FRAME_BYTES));
        final QueueHttpRoutes routes = new QueueHttpRoutes(broker, host.scheduler());
        host.http(QueueConfig.HTTP_PORT, routes::install);
        LOG.info("queue started: dataDir={} topics={} fsyncPolicy={} groupCommitMs={}", dataDir, topics.list(),
            policy.configValue(), c.get(QueueConfig.GROUP_COMMIT_MS));
    }

    private static void registerGauge(final MetricsRegistry metrics, final Partition p) {
        final String name = "queue_high_watermark_" + p.topic().replaceAll("[^a-zA-Z0-9_]", "_")
            .toLowerCase(Locale.ROOT) + "_" + p.index();
        try {
            metrics.gauge(name, "High watermark of " + p.topic() + "-" + p.index() + ".", p.log()::highWatermark);
        } catch (IllegalArgumentException e) {
            LOG.debug("gauge {} not registered: {}", name, e.getMessage());
        }
    }

    private void applyRetention() {
        final long now = System.currentTimeMillis();
        for (final Partition p : topics.allPartitions()) {
            p.onWriter(() -> p.log().applyRetention(now));
        }
    }

    /** The topics (tests, tools). */
    public TopicRegistry topics() {
        return topics;
    }

    @Override
    public void close() {
        recovered = false;
        tasks.forEach(t -> t.cancel(false));
        if (writers != null) {
            writers.close();
        }
        if (flushPool != null) {
            flushPool.shutdown();
            try {
                flushPool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (topics != null) {
            topics.close();
        }
        if (offsets != null) {
            offsets.close();
        }
    }
}
