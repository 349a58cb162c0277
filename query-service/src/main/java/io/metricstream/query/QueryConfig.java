package io.metricstream.query;

import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.ServiceKeys;
import java.util.List;

/** The query service's config keys (section {@code query}). */
public final class QueryConfig {
    /** HTTP port of the Prometheus-compatible API and the UI. */
    public static final ConfigKey<Integer> HTTP_PORT = ServiceKeys.httpPort("query", 9090);
    /** Bind address. */
    public static final ConfigKey<String> BIND_ADDRESS = ServiceKeys.bindAddress("query");
    /** Largest request body. */
    public static final ConfigKey<Long> MAX_BODY_BYTES = ServiceKeys.maxBodyBytes("query", 1L << 20);
    /** Storage instances to fan out to. */
    public static final ConfigKey<List<String>> STORAGE_ADDRESSES = ConfigKey.key("query.storage_addresses")
        .listType().defaultValue(List.of("127.0.0.1:7080"))
        .validate(l -> !l.isEmpty() && l.stream().allMatch(a -> a.lastIndexOf(':') > 0), "host:port entries")
        .doc("Storage instances (host:port of their binary port); every query selects from all and merges.");
    /** Lookback of instant vector selectors. */
    public static final ConfigKey<Long> LOOKBACK_DELTA_MS = ConfigKey.key("query.lookback_delta_ms").longType()
        .defaultValue(300_000L).atLeast(1).unit("ms")
        .doc("How far back an instant vector selector looks for the latest sample (Prometheus: 5m).");
    /** Per-query sample budget. */
    public static final ConfigKey<Long> MAX_SAMPLES = ConfigKey.key("query.max_samples").longType()
        .defaultValue(50_000_000L).atLeast(1)
        .doc("Most samples one query may hold in memory (fetched plus computed points); more fails the query.");
    /** Per-query series budget. */
    public static final ConfigKey<Integer> MAX_SERIES = ConfigKey.key("query.max_series").intType()
        .defaultValue(1_000_000).atLeast(1).doc("Most series one selector may select; more fails the query.");
    /** Per-query time budget. */
    public static final ConfigKey<Long> TIMEOUT_MS = ConfigKey.key("query.timeout_ms").longType()
        .defaultValue(120_000L).atLeast(1).unit("ms").doc("Wall-clock budget of one query.");
    /** Query worker threads. */
    public static final ConfigKey<Integer> MAX_CONCURRENCY = ConfigKey.key("query.max_concurrency").intType()
        .defaultValue(4).atLeast(1).atMost(256).doc("Queries evaluated at the same time; more wait in line.");

    /** Shortest range of a pushed-down {@code <fn>_over_time}. */
    public static final ConfigKey<Long> PUSHDOWN_MIN_RANGE_MS = ConfigKey.key("query.pushdown_min_range_ms")
        .longType().defaultValue(3_600_000L).atLeast(0).unit("ms")
        .doc("min/max/sum/count/avg/last_over_time over a selector with at least this range are computed by storage "
            + "(SELECT_WINDOWS, from its 5 m / 1 h rollups where they cover the window); 0 disables pushdown.");
    /** Chunk decoding threads. */
    public static final ConfigKey<Integer> DECODE_THREADS = ConfigKey.key("query.decode_threads").intType()
        .defaultValue(0).atLeast(0).atMost(256)
        .doc("Threads decoding selected chunks (SELECT_CHUNKS) in parallel, off the event loops; 0 = one per core.");

    /** Startup warm-up switch. */
    public static final ConfigKey<Boolean> WARMUP_ENABLED = ConfigKey.key("query.warmup_enabled").booleanType()
        .defaultValue(true)
        .doc("At start, run the query path over synthetic in-memory series (never storage) until the JIT has compiled "
            + "it; the service is ready, and the API answers, once it is done. Off: the first queries run slower.");
    /** Startup warm-up rounds. */
    public static final ConfigKey<Integer> WARMUP_ROUNDS = ConfigKey.key("query.warmup_rounds").intType()
        .defaultValue(8).atLeast(1).atMost(10_000)
        .doc("Rounds of the warm-up's 14 queries (range and instant, over HTTP on loopback, ~288k synthetic "
            + "samples): a fixed amount of work, ~1.5 s of CPU, so the JIT gets the same profile however busy the "
            + "machine is.");
    /** Startup warm-up rounds after the fixed ones, until the JIT settles. */
    public static final ConfigKey<Integer> WARMUP_SETTLE_ROUNDS = ConfigKey.key("query.warmup_settle_rounds")
        .intType().defaultValue(12).atLeast(0).atMost(10_000)
        .doc("Most warm-up rounds run after query.warmup_rounds while the JIT still compiles (at the end of one of "
            + "the last two rounds a method of query or contracts code was being compiled or queued, or fewer of them "
            + "ran tier-2/3 code than the round before, or one waited at tier 2 for a long C2 queue), so the paths are "
            + "at C2 (tier 4) before the first query; 0: only the fixed rounds.");
    /** Startup warm-up time cap. */
    public static final ConfigKey<Long> WARMUP_BUDGET_MS = ConfigKey.key("query.warmup_budget_ms").longType()
        .defaultValue(10_000L).atLeast(1).atMost(600_000L).unit("ms")
        .doc("Wall-clock cap of the warm-up (a busy machine): no query starts after this has passed.");

    /** Every key of the section. */
    public static final ConfigTable TABLE = ConfigTable.of(HTTP_PORT, BIND_ADDRESS, MAX_BODY_BYTES,
        STORAGE_ADDRESSES, LOOKBACK_DELTA_MS, MAX_SAMPLES, MAX_SERIES, TIMEOUT_MS, MAX_CONCURRENCY,
        PUSHDOWN_MIN_RANGE_MS, DECODE_THREADS, WARMUP_ENABLED, WARMUP_ROUNDS, WARMUP_SETTLE_ROUNDS,
        WARMUP_BUDGET_MS);

    private QueryConfig() {
    }
}
