package io.metricstream.ingestion;

import io.metricstream.contracts.client.ServerAddress;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.ServiceKeys;
import java.util.List;

/**
 * The ingestion service's config keys (section {@code ingestion}), declared once: the YAML loader, env overrides
 * ({@code METRICSTREAM_INGESTION_<KEY>}), {@code config check} and the README table read this table.
 */
public final class IngestionConfig {
    /** Section name. */
    public static final String SECTION = "ingestion";

    /** Bind address of the HTTP server. */
    public static final ConfigKey<String> BIND_ADDRESS = ServiceKeys.bindAddress(SECTION);
    /** HTTP port. */
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort(SECTION, 8080);
    /** Largest request body after decompression (413 above it); enforced by the runtime's aggregator. */
    public static final ConfigKey<Long> MAX_BODY_BYTES = ServiceKeys.maxBodyBytes(SECTION, 32L << 20);
    /** PEM certificate chain for HTTPS (empty = plain HTTP). */
    public static final ConfigKey<String> TLS_CERT_FILE = ServiceKeys.tlsCertFile(SECTION);
    /** PEM PKCS#8 private key for HTTPS (empty = plain HTTP). */
    public static final ConfigKey<String> TLS_KEY_FILE = ServiceKeys.tlsKeyFile(SECTION);

    /** Accepted API keys; empty turns authentication off (the dev default). */
    public static final ConfigKey<List<String>> API_KEYS = ConfigKey.key("ingestion.api_keys").listType()
        .validate(l -> l.stream().noneMatch(String::isBlank), "no blank keys")
        .doc("API keys accepted as 'Authorization: Bearer <key>' or 'X-API-Key'; empty = authentication off.");

    /** Labels per series, {@code __name__} included. */
    public static final ConfigKey<Integer> MAX_LABELS_PER_SERIES = ConfigKey.key("ingestion.max_labels_per_series")
        .intType().defaultValue(32).atLeast(1).atMost(1024)
        .doc("Most labels a series may have, __name__ included; more is a 400.");
    /** Bytes of a label name. */
    public static final ConfigKey<Integer> MAX_LABEL_NAME_LENGTH = ConfigKey.key("ingestion.max_label_name_length")
        .intType().defaultValue(256).atLeast(8).atMost(65535).unit("bytes")
        .doc("Longest label name in UTF-8 bytes, in every format; longer is a 400.");
    /** Bytes of a label value. */
    public static final ConfigKey<Integer> MAX_LABEL_VALUE_LENGTH = ConfigKey.key("ingestion.max_label_value_length")
        .intType().defaultValue(4096).atLeast(8).atMost(21_845).unit("bytes")
        .doc("Longest label value (and metric name, the value of __name__) in UTF-8 bytes, in every format; longer"
            + " is a 400. At most 21,845: the JSON codec's bound (65,535 / 3), so all formats share one limit.");
    /** Samples in one request. */
    public static final ConfigKey<Integer> MAX_SAMPLES_PER_REQUEST = ConfigKey.key(
        "ingestion.max_samples_per_request").intType().defaultValue(1_000_000).atLeast(1)
        .doc("Most samples one request may carry; more is a 400 (split the request).");

    /** Sliding-window rate per client; 0 = off. */
    public static final ConfigKey<Long> RATE_LIMIT_SAMPLES_PER_S = ConfigKey.key(
        "ingestion.rate_limit_samples_per_s").longType().defaultValue(0L).atLeast(0).unit("samples/s")
        .doc("Samples per second one client may send (sliding window); 0 = no limit. Above it: 429.");
    /** Window of the rate limiter. */
    public static final ConfigKey<Long> RATE_LIMIT_WINDOW_MS = ConfigKey.key("ingestion.rate_limit_window_ms")
        .longType().defaultValue(1_000L).atLeast(10).atMost(3_600_000).unit("ms")
        .doc("Length of the rate limiter's sliding window.");

    /** Queue address. */
    public static final ConfigKey<String> QUEUE_ADDRESS = ConfigKey.key("ingestion.queue_address").stringType()
        .defaultValue("127.0.0.1:7070").validate(s -> ServerAddress.problem(s) == null, "host:port or local:NAME")
        .doc("Binary address of the queue service: host:port, or local:queue for the queue in this process"
            + " (the default of `up`).");
    /** Topic. */
    public static final ConfigKey<String> TOPIC = ConfigKey.key("ingestion.topic").stringType()
        .defaultValue("metrics.inbound").validate(s -> !s.isBlank(), "a topic name")
        .doc("Topic that receives sample records.");
    /** Produce timeout. */
    public static final ConfigKey<Integer> QUEUE_TIMEOUT_MS = ConfigKey.key("ingestion.queue_timeout_ms").intType()
        .defaultValue(5_000).atLeast(10).unit("ms")
        .doc("Bound on one produce (and metadata) request to the queue; then the request answers 503.");
    /** Batch flush size. */
    public static final ConfigKey<Long> BATCH_MAX_BYTES = ConfigKey.key("ingestion.batch_max_bytes").sizeType()
        .defaultValue(1L << 20).atLeast(4096).atMost(8L << 20)
        .doc("Flush a partition's record batch when it reaches this size.");
    /** Batch linger. */
    public static final ConfigKey<Long> BATCH_LINGER_MS = ConfigKey.key("ingestion.batch_linger_ms").longType()
        .defaultValue(0L).atLeast(0).atMost(1_000).unit("ms")
        .doc("How long an open batch may wait for more samples; 0 = flush when the ring runs empty.");
    /** Unanswered produces per partition before a partial batch waits. */
    public static final ConfigKey<Integer> BATCH_MAX_INFLIGHT = ConfigKey.key("ingestion.batch_max_inflight")
        .intType().defaultValue(1).atLeast(0).atMost(1024)
        .doc("Unanswered produces per partition before a batch that is not full waits for an answer (full batches "
            + "always go); 0 = no bound (one produce per ring drain).");
    /** In-flight bound. */
    public static final ConfigKey<Long> MAX_INFLIGHT_BYTES = ConfigKey.key("ingestion.max_inflight_bytes").sizeType()
        .defaultValue(256L << 20).atLeast(1L << 20)
        .doc("Bound on accepted-but-unacked request bytes; new requests above it answer 503 + Retry-After.");
    /** Ring size. */
    public static final ConfigKey<Integer> RING_SIZE = ConfigKey.key("ingestion.ring_size").intType()
        .defaultValue(1 << 16).atLeast(64).atMost(1 << 24).validate(n -> Integer.bitCount(n) == 1, "a power of two")
        .doc("Slots of the ingest ring, each one run of a series' consecutive samples of one request (a request of"
            + " S series takes about S slots; one sample per series = one slot per sample).");
    /** Influx single-field naming. */
    public static final ConfigKey<Boolean> INFLUX_SKIP_SINGLE_FIELD = ConfigKey.key(
        "ingestion.influx_skip_single_field").booleanType().defaultValue(false)
        .doc("Name a line with one field '<measurement>' instead of '<measurement>_<field>' (VictoriaMetrics'"
            + " -influxSkipSingleField).");
    /** Retry-After value. */
    public static final ConfigKey<Integer> RETRY_AFTER_S = ConfigKey.key("ingestion.retry_after_s").intType()
        .defaultValue(1).atLeast(1).atMost(3600).unit("s")
        .doc("Retry-After of 503 answers (queue slow or down, in-flight budget full).");

    /** Every key of the section. */
    public static final ConfigTable TABLE = ConfigTable.of(BIND_ADDRESS, HTTP_PORT, MAX_BODY_BYTES, TLS_CERT_FILE,
        TLS_KEY_FILE, API_KEYS, MAX_LABELS_PER_SERIES, MAX_LABEL_NAME_LENGTH, MAX_LABEL_VALUE_LENGTH,
        MAX_SAMPLES_PER_REQUEST, RATE_LIMIT_SAMPLES_PER_S, RATE_LIMIT_WINDOW_MS, QUEUE_ADDRESS, TOPIC,
        QUEUE_TIMEOUT_MS, BATCH_MAX_BYTES, BATCH_LINGER_MS, BATCH_MAX_INFLIGHT, MAX_INFLIGHT_BYTES, RING_SIZE,
        INFLUX_SKIP_SINGLE_FIELD, RETRY_AFTER_S);

    private IngestionConfig() {
    }

}
