package io.metricstream.queue;

import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.ServiceKeys;
import io.metricstream.queue.topic.TopicName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The queue's configuration keys (section {@code queue}), declared once; README's table mirrors this. */
public final class QueueConfig {
    /** Binary protocol port. */
    public static final ConfigKey<Integer> BINARY_PORT = ServiceKeys.binaryPort("queue", 7070);
    /** HTTP API port. */
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("queue", 7071);
    /** Bind address. */
    public static final ConfigKey<String> BIND_ADDRESS = ServiceKeys.bindAddress("queue");
    /** Largest HTTP body. */
    public static final ConfigKey<Long> MAX_BODY_BYTES = ServiceKeys.maxBodyBytes("queue", 16L << 20);

    /** Segment roll size. */
    public static final ConfigKey<Long> SEGMENT_BYTES = ConfigKey.key("queue.segment_bytes").sizeType()
        .defaultValue(128L << 20).atLeast(64 << 10).atMost(1L << 30)
        .doc("Roll the active segment when the next batch would take it past this size.");
    /** Segment roll age. */
    public static final ConfigKey<Long> SEGMENT_MS = ConfigKey.key("queue.segment_ms").durationType()
        .defaultValue(7L * 24 * 3600 * 1000).atLeast(1000)
        .doc("Roll a non-empty active segment this long after it was created.");
    /** Offset index density. */
    public static final ConfigKey<Long> INDEX_INTERVAL_BYTES = ConfigKey.key("queue.index_interval_bytes").sizeType()
        .defaultValue(4096L).atLeast(64).atMost(1 << 24)
        .doc("Log bytes between two sparse offset index entries.");
    /** Preallocated offset index size. */
    public static final ConfigKey<Long> INDEX_MAX_BYTES = ConfigKey.key("queue.index_max_bytes").sizeType()
        .defaultValue(10L << 20).atLeast(4096).atMost(256L << 20)
        .doc("Preallocated size of the active segment's offset index; a full index rolls the segment.");
    /** Size retention. */
    public static final ConfigKey<Long> RETENTION_BYTES = ConfigKey.key("queue.retention_bytes").longType()
        .defaultValue(-1L).atLeast(-1).unit("bytes")
        .doc("Delete the oldest segments of a partition while it exceeds this size (-1 = no size limit).");
    /** Age retention. */
    public static final ConfigKey<Long> RETENTION_MS = ConfigKey.key("queue.retention_ms").longType()
        .defaultValue(7L * 24 * 3600 * 1000).atLeast(-1).unit("ms")
        .doc("Delete closed segments last appended to longer ago than this, by the queue's clock (-1 = no age limit).");
    /** Retention check period. */
    public static final ConfigKey<Long> RETENTION_CHECK_MS = ConfigKey.key("queue.retention_check_ms").durationType()
        .defaultValue(30_000L).atLeast(10)
        .doc("How often retention runs.");
    /** Fsync policy. */
    public static final ConfigKey<String> FSYNC_POLICY = ConfigKey.key("queue.fsync_policy")
        .oneOf("group_commit", "every_batch", "os")
        .doc("When a produce is acked: group_commit (after the shared fsync), every_batch, os (page cache).");
    /** Group commit interval. */
    public static final ConfigKey<Long> GROUP_COMMIT_MS = ConfigKey.key("queue.group_commit_ms").durationType()
        .defaultValue(0L).atLeast(0).atMost(1000)
        .doc("Least time between two group-commit fsyncs of a partition. 0 = leader/follower: an idle flusher "
            + "fsyncs at once, and batches written during an fsync share the next one.");
    /** Configured topics. */
    public static final ConfigKey<List<String>> TOPICS = ConfigKey.key("queue.topics").listType()
        .defaultValue(List.of("metrics.inbound"))
        .validate(QueueConfig::topicsValid, "entries name or name:partitions with a valid topic name")
        .doc("Topics created at start: name[:partitions] (partitions default to queue.default_partitions).");
    /** Default partition count. */
    public static final ConfigKey<Integer> DEFAULT_PARTITIONS = ConfigKey.key("queue.default_partitions").intType()
        .defaultValue(1).atLeast(1).atMost(TopicName.MAX_PARTITIONS)
        .doc("Partitions of a configured topic that names none. Storage instances split the partitions, so a "
            + "cluster of N storage instances needs at least N; each partition a produce touches costs its own "
            + "fsync per group commit, so one instance (up) is fastest with 1.");
    /** In-flight produce bytes cap. */
    public static final ConfigKey<Long> MAX_INFLIGHT_BYTES = ConfigKey.key("queue.max_inflight_bytes").sizeType()
        .defaultValue(256L << 20).atLeast(1 << 20)
        .doc("Produce bytes received but not yet acked; beyond it produces get THROTTLED (HTTP 503).");
    /** Free disk guard. */
    public static final ConfigKey<Long> MIN_FREE_DISK_BYTES = ConfigKey.key("queue.min_free_disk_bytes").sizeType()
        .defaultValue(64L << 20).atLeast(0)
        .doc("Refuse appends with THROTTLED when the data directory has less free space (0 = off).");
    /** Batch size cap. */
    public static final ConfigKey<Long> MAX_BATCH_BYTES = ConfigKey.key("queue.max_batch_bytes").sizeType()
        .defaultValue(8L << 20).atLeast(1024).atMost(64L << 20)
        .doc("Largest record batch accepted (MESSAGE_TOO_LARGE beyond).");
    /** Writer threads. */
    public static final ConfigKey<Integer> WRITER_THREADS = ConfigKey.key("queue.writer_threads").intType()
        .defaultValue(2).atLeast(1).atMost(64)
        .doc("Append threads; each partition is owned by one of them.");
    /** Flush threads. */
    public static final ConfigKey<Integer> FLUSH_THREADS = ConfigKey.key("queue.flush_threads").intType()
        .defaultValue(2).atLeast(1).atMost(64)
        .doc("Threads running group-commit fsyncs.");
    /** Long-poll bound. */
    public static final ConfigKey<Integer> MAX_FETCH_WAIT_MS = ConfigKey.key("queue.max_fetch_wait_ms").intType()
        .defaultValue(30_000).atLeast(0).atMost(300_000)
        .doc("Longest a fetch may wait for data (larger maxWaitMs values are capped).");
    /** Fetch answer bound. */
    public static final ConfigKey<Long> MAX_FETCH_BYTES = ConfigKey.key("queue.max_fetch_bytes").sizeType()
        .defaultValue(8L << 20).atLeast(1024).atMost(64L << 20)
        .doc("Largest records section of one fetch answer (one batch is always returned whole).");
    /** Segment file deletion delay. */
    public static final ConfigKey<Long> DELETE_DELAY_MS = ConfigKey.key("queue.delete_delay_ms").durationType()
        .defaultValue(60_000L).atLeast(0)
        .doc("Delay between dropping a segment by retention and deleting its files (in-flight fetches finish).");

    /** Every key of the section. */
    public static final ConfigTable TABLE = ConfigTable.of(BINARY_PORT, HTTP_PORT, BIND_ADDRESS, MAX_BODY_BYTES,
        SEGMENT_BYTES, SEGMENT_MS, INDEX_INTERVAL_BYTES, INDEX_MAX_BYTES, RETENTION_BYTES, RETENTION_MS,
        RETENTION_CHECK_MS, FSYNC_POLICY, GROUP_COMMIT_MS, TOPICS, DEFAULT_PARTITIONS, MAX_INFLIGHT_BYTES,
        MIN_FREE_DISK_BYTES, MAX_BATCH_BYTES, WRITER_THREADS, FLUSH_THREADS, MAX_FETCH_WAIT_MS, MAX_FETCH_BYTES,
        DELETE_DELAY_MS);

    private QueueConfig() {
    }

    private static boolean topicsValid(final List<String> entries) {
        for (final String e : entries) {
            if (parseTopic(e, 1) == null) {
                return false;
            }
        }
        return true;
    }

    private static Map.Entry<String, Integer> parseTopic(final String entry, final int defaultPartitions) {
        final int colon = entry.lastIndexOf(':');
        final String name = colon < 0 ? entry.trim() : entry.substring(0, colon).trim();
        int partitions = defaultPartitions;
        if (colon >= 0) {
            try {
                partitions = Integer.parseInt(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (TopicName.problem(name) != null || TopicName.partitionsProblem(partitions) != null) {
            return null;
        }
        return Map.entry(name, partitions);
    }

    /** The configured topics as name → partitions. */
    public static Map<String, Integer> topics(final List<String> entries, final int defaultPartitions) {
        final Map<String, Integer> out = new LinkedHashMap<>();
        for (final String e : entries) {
            final Map.Entry<String, Integer> t = parseTopic(e, defaultPartitions);
            if (t != null) {
                out.put(t.getKey(), t.getValue());
            }
        }
        return out;
    }
}
