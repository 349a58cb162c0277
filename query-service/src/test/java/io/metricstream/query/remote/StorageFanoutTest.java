package io.metricstream.query.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.QueryServer;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.HttpProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

/** The query service over two storage instances speaking the binary protocol: answers are merged. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageFanoutTest {
    @TempDir
    static Path dir;
    private static EmbeddedHost storages;
    private static QueryServer query;
    private static final LabelSet SHARED = LabelSet.of("__name__", "m", "job", "shared");

    @BeforeAll
    static void start() throws Exception {
        final InMemorySeriesSource a = new InMemorySeriesSource();
        final InMemorySeriesSource b = new InMemorySeriesSource();
        for (int i = 0; i <= 10; i++) {
            (i <= 5 ? a : b).add(SHARED, i * 60_000L, i);
        }
        b.add(LabelSet.of("__name__", "m", "job", "shared"), 11 * 60_000L, 11);
        a.add(LabelSet.of("__name__", "m", "job", "only_a"), 0, 1);
        b.add(LabelSet.of("__name__", "m", "job", "only_b"), 0, 2);
        final Config config = (Config) new ConfigLoader(GlobalConfig.TABLE).load(Optional.empty(), Map.of(),
            Map.of("global.data_dir", dir.resolve("storages").toString()));
        storages = EmbeddedHost.start(config, List.of(new FakeStorageService("storage_a", a),
            new FakeStorageService("storage_b", b)));
        final String addresses = "127.0.0.1:" + storages.host("storage_a").binaryAddresses().getFirst().getPort()
            + ",127.0.0.1:" + storages.host("storage_b").binaryAddresses().getFirst().getPort();
        query = new QueryServer(null, dir.resolve("query"), Map.of("query.storage_addresses", addresses));
    }

    @AfterAll
    static void stop() {
        if (query != null) {
            query.close();
        }
        if (storages != null) {
            storages.close();
        }
    }

    private static String get(final String path) {
        final HttpProbe.Response r = HttpProbe.get(query.base() + path);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void shouldMergeSamplesOfOneSeriesWhenSplitAcrossInstances() {
        final String body = get("/api/v1/query_range?query=" + enc("m{job=\"shared\"}") + "&start=240&end=480"
            + "&step=60");
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
            + "{\"__name__\":\"m\",\"job\":\"shared\"},\"values\":[[240,\"4\"],[300,\"5\"],[360,\"6\"],[420,\"7\"],"
            + "[480,\"8\"]]}]}}", body);
        assertTrue(get("/api/v1/query?query=" + enc("rate(m{job=\"shared\"}[10m])") + "&time=600")
            .contains("\"value\":[600,\"0.016666666666666666\"]"));
    }

    @Test
    void shouldUnionMetadataWhenSeveralInstances() {
        assertEquals("{\"status\":\"success\",\"data\":[\"only_a\",\"only_b\",\"shared\"]}",
            get("/api/v1/label/job/values"));
        assertTrue(get("/api/v1/series?match[]=m").contains("{\"__name__\":\"m\",\"job\":\"only_b\"}"));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
            + "\"value\":[60,\"3\"]}]}}", get("/api/v1/query?query=" + enc("count(m)") + "&time=60"));
    }
}
