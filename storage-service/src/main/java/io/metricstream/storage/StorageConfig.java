package io.metricstream.storage;

import io.metricstream.contracts.client.ServerAddress;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.ServiceKeys;

/** The {@code storage:} config section, declared once (README table, env overrides and validation read it). */
public final class StorageConfig {
    /** Address the storage servers bind. */
    public static final ConfigKey<String> BIND_ADDRESS = ServiceKeys.bindAddress("storage");
    /** HTTP port (debug JSON API, health, readiness, metrics). */
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("storage", 7081);
    /** Binary select protocol port. */
    public static final ConfigKey<Integer> BINARY_PORT = ServiceKeys.binaryPort("storage", 7080);
    /** Queue to consume. */
    public static final ConfigKey<String> QUEUE_ADDRESS = ConfigKey.key("storage.queue_address").stringType()
        .defaultValue("127.0.0.1:7070").validate(s -> ServerAddress.problem(s) == null, "host:port or local:NAME")
        .doc("host:port of the queue's binary protocol, or local:queue for the queue in this process (the default"
            + " of `up`).");
    /** Topic consumed. */
    public static final ConfigKey<String> TOPIC = ConfigKey.key("storage.topic").stringType()
        .defaultValue("metrics.inbound").doc("Topic of sample records to consume.");
    /** Consumer group. */
    public static final ConfigKey<String> CONSUMER_GROUP = ConfigKey.key("storage.consumer_group").stringType()
        .defaultValue("storage").doc("Consumer group shared by all storage instances (partitions are split).");
    /** Group session timeout. */
    public static final ConfigKey<Long> SESSION_TIMEOUT_MS = ConfigKey.key("storage.session_timeout_ms")
        .durationType().defaultValue(10_000L).atLeast(1_000).atMost(300_000)
        .doc("Consumer group session timeout; heartbeats go every third of it.");
    /** Fetch long-poll bound. */
    public static final ConfigKey<Long> FETCH_MAX_WAIT_MS = ConfigKey.key("storage.fetch_max_wait_ms")
        .durationType().defaultValue(500L).atLeast(0).atMost(30_000).doc("Long-poll bound of one fetch.");
    /** Fetch size bound. */
    public static final ConfigKey<Long> FETCH_MAX_BYTES = ConfigKey.key("storage.fetch_max_bytes").sizeType()
        .defaultValue(4L << 20).atLeast(1024).atMost(64L << 20).doc("Soft bound on the bytes of one fetch.");
    /** Block duration. */
    public static final ConfigKey<Long> BLOCK_DURATION_MS = ConfigKey.key("storage.block_duration_ms")
        .durationType().defaultValue(2 * 3_600_000L).atLeast(1_000)
        .doc("Time span of a head-flushed block; chunks never cross a multiple of it.");
    /** Head checkpoint period. */
    public static final ConfigKey<Long> CHECKPOINT_INTERVAL_MS = ConfigKey.key("storage.checkpoint_interval_ms")
        .durationType().defaultValue(10_000L).atLeast(100)
        .doc("Checkpoint the head (then commit queue offsets) this often; bounds replay after a crash.");
    /** Out-of-order window. */
    public static final ConfigKey<Long> OUT_OF_ORDER_WINDOW_MS = ConfigKey.key("storage.out_of_order_window_ms")
        .durationType().defaultValue(3_600_000L).atLeast(0)
        .doc("Accept samples up to this much older than their series' newest sample (<= block_duration/2); older "
            + "ones are rejected as too_old after the queue acknowledged them.");
    /** Age retention. */
    public static final ConfigKey<Long> RETENTION_MS = ConfigKey.key("storage.retention_ms").durationType()
        .defaultValue(15L * 86_400_000L).atLeast(0)
        .doc("Delete blocks older than this, counted back from the newest sample stored (0 = keep forever).");
    /** Size retention. */
    public static final ConfigKey<Long> RETENTION_BYTES = ConfigKey.key("storage.retention_bytes").sizeType()
        .defaultValue(0L).atLeast(0).doc("Delete the oldest blocks while all blocks exceed this (0 = no limit).");
    /** Which blocks get 5 m / 1 h rollups. */
    public static final ConfigKey<Long> ROLLUP_MIN_BLOCK_SPAN_MS = ConfigKey.key("storage.rollup_min_block_span_ms")
        .durationType().defaultValue(40L * 3_600_000L).atLeast(0).unit("ms")
        .doc("Write 5 m and 1 h rollups only into blocks whose samples span at least this long (compacted, older "
            + "blocks, as Thanos downsamples blocks older than 40 h); 0 = every block. Rollups add about 0.8 "
            + "bytes/sample and serve long ranges; recent data is read raw.");
    /** Chunk segment size of written blocks. */
    public static final ConfigKey<Long> MAX_CHUNK_SEGMENT_BYTES = ConfigKey.key("storage.max_chunk_segment_bytes")
        .sizeType().defaultValue(512L << 20).atLeast(1024).atMost(Integer.MAX_VALUE)
        .doc("A block's chunks go into segment files (chunks/000001, ...) of at most this many bytes, each mapped "
            + "whole, so a block (a compaction's output) is not limited to one 2 GiB mapping; a chunk larger than "
            + "this gets a segment of its own.");
    /** Chunk size. */
    public static final ConfigKey<Integer> CHUNK_MAX_SAMPLES = ConfigKey.key("storage.chunk_max_samples").intType()
        .defaultValue(240).atLeast(120).atMost(240).doc("Cut a head chunk at this many samples.");
    /** Series limit. */
    public static final ConfigKey<Integer> MAX_SERIES = ConfigKey.key("storage.max_series").intType()
        .defaultValue(10_000_000).atLeast(1).doc("Cardinality limit: samples of new series beyond it are rejected.");
    /** Labels per series limit. */
    public static final ConfigKey<Integer> MAX_LABELS_PER_SERIES = ConfigKey.key("storage.max_labels_per_series")
        .intType().defaultValue(64).atLeast(1).atMost(65_535).doc("Series with more labels are rejected.");
    /** Label length limit. */
    public static final ConfigKey<Integer> MAX_LABEL_LENGTH = ConfigKey.key("storage.max_label_length").intType()
        .defaultValue(4096).atLeast(16).atMost(65_535).doc("Series with a longer label name or value (UTF-8 bytes) "
            + "are rejected.");
    /** Select frame size. */
    public static final ConfigKey<Integer> SELECT_FRAME_BYTES = ConfigKey.key("storage.select_frame_bytes")
        .intType().defaultValue(1 << 20).atLeast(4096).atMost(8 << 20)
        .doc("Target size of one streamed SELECT response frame.");
    /** Query threads. */
    public static final ConfigKey<Integer> QUERY_THREADS = ConfigKey.key("storage.query_threads").intType()
        .defaultValue(2).atLeast(1).atMost(64).doc("Threads answering selects and metadata requests.");
    /** Startup warm-up switch. */
    public static final ConfigKey<Boolean> WARMUP_ENABLED = ConfigKey.key("storage.warmup_enabled").booleanType()
        .defaultValue(true)
        .doc("At start, run the select path over a throwaway database of synthetic series (in a temporary directory, "
            + "never the data dir) until the JIT has compiled it; ready, and selects answered, once it is done.");
    /** Startup warm-up rounds. */
    public static final ConfigKey<Integer> WARMUP_ROUNDS = ConfigKey.key("storage.warmup_rounds").intType()
        .defaultValue(20).atLeast(1).atMost(100_000)
        .doc("Rounds of the warm-up's thirteen selects (SELECT_CHUNKS, SELECT_WINDOWS over 60 synthetic series, over "
            + "the binary protocol on loopback): a fixed amount of work, so the JIT gets the same profile however "
            + "busy the machine is.");
    /** Startup warm-up rounds after the fixed ones, until the JIT settles. */
    public static final ConfigKey<Integer> WARMUP_SETTLE_ROUNDS = ConfigKey.key("storage.warmup_settle_rounds")
        .intType().defaultValue(30).atLeast(0).atMost(100_000)
        .doc("Most warm-up rounds run after storage.warmup_rounds while the JIT still compiles (at the end of one "
            + "of the last two rounds a method of storage or contracts code was being compiled or queued, or fewer of "
            + "them ran tier-2/3 code than the round before, or one waited at tier 2 for a long C2 queue), so the "
            + "select path is at C2 (tier 4) before the first select; 0: only the fixed rounds.");
    /** Startup warm-up time cap. */
    public static final ConfigKey<Long> WARMUP_BUDGET_MS = ConfigKey.key("storage.warmup_budget_ms").longType()
        .defaultValue(10_000L).atLeast(1).atMost(600_000L).unit("ms")
        .doc("Wall-clock cap of the warm-up (a busy machine): no select starts after this has passed.");

    /** Every key of the section. */
    public static final ConfigTable TABLE = ConfigTable.of(BIND_ADDRESS, HTTP_PORT, BINARY_PORT, QUEUE_ADDRESS, TOPIC,
        CONSUMER_GROUP, SESSION_TIMEOUT_MS, FETCH_MAX_WAIT_MS, FETCH_MAX_BYTES, BLOCK_DURATION_MS,
        CHECKPOINT_INTERVAL_MS, OUT_OF_ORDER_WINDOW_MS, RETENTION_MS, RETENTION_BYTES, ROLLUP_MIN_BLOCK_SPAN_MS,
        MAX_CHUNK_SEGMENT_BYTES, CHUNK_MAX_SAMPLES, MAX_SERIES,
        MAX_LABELS_PER_SERIES, MAX_LABEL_LENGTH, SELECT_FRAME_BYTES, QUERY_THREADS, WARMUP_ENABLED, WARMUP_ROUNDS,
        WARMUP_SETTLE_ROUNDS, WARMUP_BUDGET_MS);

    private StorageConfig() {
    }
}
