package io.metricstream.query.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.frame.ApiKey;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.query.QueryServer;
import io.metricstream.query.api.PromJson;
import io.metricstream.query.eval.Engine;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.HttpProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service over storage instances speaking the binary protocol: samples come as chunks (SELECT_CHUNKS)
 * decoded in parallel and merged; {@code *_over_time} windows come from SELECT_WINDOWS, or from the merged samples
 * when one series spans instances; an instance without the newer APIs is served by SELECT.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageFanoutTest {
    private static final long MINUTE = 60_000;
    @TempDir
    static Path dir;
    private static EmbeddedHost storages;
    private static FakeStorageService storageA;
    private static FakeStorageService storageB;
    private static FakeStorageService legacyB;
    private static QueryServer query;
    private static QueryServer legacyQuery;
    /** Selects from storage_a alone: range selectors take the fused one-instance decode. */
    private static QueryServer singleQuery;
    /** What storage_a holds. */
    private static final InMemorySeriesSource ON_A = new InMemorySeriesSource();
    /** Everything both instances hold, for the expected answers. */
    private static final InMemorySeriesSource UNION = new InMemorySeriesSource();
    private static final LabelSet SHARED = LabelSet.of("__name__", "m", "job", "shared");

    @BeforeAll
    static void start() throws Exception {
        final InMemorySeriesSource a = ON_A;
        final InMemorySeriesSource b = new InMemorySeriesSource();
        for (int i = 0; i <= 10; i++) {
            (i <= 5 ? a : b).add(SHARED, i * MINUTE, i);
            UNION.add(SHARED, i * MINUTE, i);
        }
        for (int i = 11; i <= 240; i++) {
            b.add(SHARED, i * MINUTE, i);
            UNION.add(SHARED, i * MINUTE, i);
        }
        a.add(LabelSet.of("__name__", "m", "job", "only_a"), 0, 1);
        b.add(LabelSet.of("__name__", "m", "job", "only_b"), 0, 2);
        UNION.add(LabelSet.of("__name__", "m", "job", "only_a"), 0, 1);
        UNION.add(LabelSet.of("__name__", "m", "job", "only_b"), 0, 2);
        for (int i = 0; i <= 240; i++) {
            final LabelSet onA = LabelSet.of("__name__", "w", "host", "a");
            final LabelSet onB = LabelSet.of("__name__", "w", "host", "b");
            a.add(onA, i * MINUTE + 7, i * 0.1);
            b.add(onB, i * MINUTE + 11, 1000 - i * 0.3);
            UNION.add(onA, i * MINUTE + 7, i * 0.1);
            UNION.add(onB, i * MINUTE + 11, 1000 - i * 0.3);
        }
        storageA = new FakeStorageService("storage_a", a);
        storageB = new FakeStorageService("storage_b", b);
        legacyB = new FakeStorageService("storage_legacy_b", b, true);
        final Config config = (Config) new ConfigLoader(GlobalConfig.TABLE).load(Optional.empty(), Map.of(),
            Map.of("global.data_dir", dir.resolve("storages").toString()));
        storages = EmbeddedHost.start(config, List.of(storageA, storageB, legacyB));
        query = new QueryServer(null, dir.resolve("query"), Map.of("query.storage_addresses",
            address("storage_a") + "," + address("storage_b"), "query.decode_threads", "2"));
        legacyQuery = new QueryServer(null, dir.resolve("legacy_query"), Map.of("query.storage_addresses",
            address("storage_a") + "," + address("storage_legacy_b")));
        singleQuery = new QueryServer(null, dir.resolve("single_query"), Map.of("query.storage_addresses",
            address("storage_a"), "query.decode_threads", "2"));
    }

    private static String address(final String name) {
        return "127.0.0.1:" + storages.host(name).binaryAddresses().getFirst().getPort();
    }

    @AfterAll
    static void stop() {
        for (final AutoCloseable c : new AutoCloseable[] {query, legacyQuery, singleQuery, storages}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (final Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String get(final QueryServer server, final String path) {
        final HttpProbe.Response r = HttpProbe.get(server.base() + path);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The range query's answer from one in-process engine over all samples, without pushdown. */
    private static String expectedRange(final String q, final long startS, final long endS, final long stepS)
        throws Exception {
        final Engine engine = new Engine(UNION, Engine.Options.DEFAULT.withPushdownMinRangeMs(0));
        return PromJson.success(PromJson.result(engine.range(q, startS * 1000, endS * 1000, stepS * 1000)));
    }

    private static String range(final QueryServer server, final String q, final long startS, final long endS,
                                final long stepS) {
        return get(server, "/api/v1/query_range?query=" + enc(q) + "&start=" + startS + "&end=" + endS + "&step="
            + stepS);
    }

    @Test
    void shouldAnswerLikeTheEngineWhenOneInstanceServesRangeSelectors() throws Exception {
        final Engine engine = new Engine(ON_A, Engine.Options.DEFAULT.withPushdownMinRangeMs(0));
        // selectors, constant-work range functions and avg_over_time over short windows are evaluated where each
        // series is decoded (alone or prefetched together; [2h] at a 5m step is not); the answers must be the
        // in-process engine's, byte for byte
        for (final String q : new String[] {"sum(rate(m[5m])) + sum(w)", "rate(w[10m]) * 2", "avg_over_time(w[30m])",
            "increase(w[1h] offset 1m) / 60", "max by (host)(w)", "w offset 3m", "timestamp(w)", "irate(w[10m])",
            "count_over_time(w[20m])", "last_over_time(w[7m])", "sum(rate(w[5m])) + sum(rate(m[5m]))",
            "delta(w[15m] @ 600)", "idelta(w[10m]) - resets(w[10m])", "present_over_time(m[3m])",
            "avg_over_time(w[2h])", "avg_over_time(w[10m]) - avg_over_time(m[10m] offset 5m)"}) {
            assertEquals(PromJson.success(PromJson.result(engine.range(q, 0, 14_400_000, 300_000))),
                range(singleQuery, q, 0, 14_400, 300), q);
        }
    }

    @Test
    void shouldMergeSamplesOfOneSeriesWhenSplitAcrossInstances() {
        final int chunksBefore = storageA.requests(ApiKey.SELECT_CHUNKS);
        final String body = range(query, "m{job=\"shared\"}", 240, 480, 60);
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
            + "{\"__name__\":\"m\",\"job\":\"shared\"},\"values\":[[240,\"4\"],[300,\"5\"],[360,\"6\"],[420,\"7\"],"
            + "[480,\"8\"]]}]}}", body);
        assertTrue(get(query, "/api/v1/query?query=" + enc("rate(m{job=\"shared\"}[10m])") + "&time=600")
            .contains("\"value\":[600,\"0.016666666666666666\"]"));
        assertTrue(storageA.requests(ApiKey.SELECT_CHUNKS) >= chunksBefore + 2);
        assertEquals(0, storageA.requests(ApiKey.SELECT));
        assertEquals(0, storageB.requests(ApiKey.SELECT));
    }

    @Test
    void shouldHandEachSeriesWholeInOneBatchWhenChunksAreStreamed() {
        try (StorageClient client = new StorageClient("127.0.0.1",
            storages.host("storage_a").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT)) {
            // w alone: the fake splits its one series over two frames; all series: three over two frames
            for (final LabelMatcher m : List.of(LabelMatcher.eq("__name__", "w"),
                LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"))) {
                final SelectRequest request = new SelectRequest(0, 14_400_000, 0, List.of(m));
                final List<SeriesChunks> whole = client.selectChunks(request).join();
                final List<List<SeriesChunks>> batches = new ArrayList<>();
                client.selectChunks(request, batches::add).join();
                final List<SeriesChunks> streamed = new ArrayList<>();
                batches.forEach(streamed::addAll);
                assertEquals(whole.size(), streamed.size(), m.toString());
                assertEquals(whole.size(), new HashSet<>(streamed.stream().map(SeriesChunks::labels).toList()).size());
                for (int i = 0; i < whole.size(); i++) {
                    assertEquals(whole.get(i).labels(), streamed.get(i).labels());
                    assertArrayEquals(whole.get(i).minTimes(), streamed.get(i).minTimes());
                    assertArrayEquals(whole.get(i).maxTimes(), streamed.get(i).maxTimes());
                    assertArrayEquals(whole.get(i).chunks(), streamed.get(i).chunks());
                }
                // w's 35 chunks are what the fake splits across the frames
                assertTrue(whole.stream().anyMatch(c -> c.chunkCount() > 1), m.toString());
            }
        }
    }

    @Test
    void shouldDecodeLongSeriesWhenChunksReachOutsideTheRange() throws Exception {
        assertEquals(expectedRange("w", 3_000, 12_000, 60), range(query, "w", 3_000, 12_000, 60));
        assertEquals(expectedRange("sum(rate(m[5m])) + sum(w)", 0, 14_400, 300),
            range(query, "sum(rate(m[5m])) + sum(w)", 0, 14_400, 300));
    }

    @Test
    void shouldUnionMetadataWhenSeveralInstances() {
        assertEquals("{\"status\":\"success\",\"data\":[\"only_a\",\"only_b\",\"shared\"]}",
            get(query, "/api/v1/label/job/values"));
        assertTrue(get(query, "/api/v1/series?match[]=m").contains("{\"__name__\":\"m\",\"job\":\"only_b\"}"));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
            + "\"value\":[60,\"3\"]}]}}", get(query, "/api/v1/query?query=" + enc("count(m)") + "&time=60"));
    }

    @Test
    void shouldPushDownWindowsWhenEachSeriesLivesOnOneInstance() throws Exception {
        final int before = storageB.requests(ApiKey.SELECT_WINDOWS);
        for (final String fn : new String[] {"min", "max", "sum", "count", "avg", "last"}) {
            final String q = fn + "_over_time(w[1h])";
            assertEquals(expectedRange(q, 0, 14_400, 600), range(query, q, 0, 14_400, 600), q);
        }
        assertEquals(before + 6, storageB.requests(ApiKey.SELECT_WINDOWS));
    }

    @Test
    void shouldComputeWindowsFromMergedSamplesWhenOneSeriesSpansInstances() throws Exception {
        final String q = "sum_over_time(m{job=\"shared\"}[1h])";
        final int before = storageA.requests(ApiKey.SELECT_CHUNKS);
        assertEquals(expectedRange(q, 0, 14_400, 600), range(query, q, 0, 14_400, 600));
        assertTrue(storageA.requests(ApiKey.SELECT_CHUNKS) > before, "raw samples selected after the windows");
    }

    @Test
    void shouldFallBackToSelectWhenAnInstanceRejectsTheNewerApis() throws Exception {
        assertEquals(range(query, "m{job=\"shared\"}", 240, 480, 60), range(legacyQuery, "m{job=\"shared\"}", 240,
            480, 60));
        assertEquals(expectedRange("w", 0, 14_400, 60), range(legacyQuery, "w", 0, 14_400, 60));
        assertEquals(1, legacyB.requests(ApiKey.SELECT_CHUNKS), "rejection remembered");
        assertEquals(2, legacyB.requests(ApiKey.SELECT));
        final String q = "max_over_time(w[1h])";
        assertEquals(expectedRange(q, 0, 14_400, 600), range(legacyQuery, q, 0, 14_400, 600));
        assertEquals(1, legacyB.requests(ApiKey.SELECT_WINDOWS));
        assertEquals(3, legacyB.requests(ApiKey.SELECT));
    }
}
