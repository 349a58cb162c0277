package io.metricstream.query.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.QueryServer;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.testsupport.HttpProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryServiceWarmupTest {
    @TempDir
    Path dir;

    private static InMemorySeriesSource userData() {
        final InMemorySeriesSource src = new InMemorySeriesSource();
        for (int i = 0; i <= 10; i++) {
            src.add(LabelSet.of("__name__", "up", "job", "api"), i * 60_000L, 1);
        }
        return src;
    }

    @Test
    void shouldLeaveNoTraceInSourceOrCountersWhenWarmupRuns() throws Exception {
        final InMemorySeriesSource src = userData();
        try (QueryServer server = new QueryServer(src, dir, Map.of("query.warmup_enabled", "true",
            "query.warmup_rounds", "1"))) {
            final QueryWarmup.Report report = server.service().warmup().get(30, TimeUnit.SECONDS);
            assertNull(report.failure());
            assertEquals(1, report.rounds());
            // the warm-up selected through the storage protocol (its own server), not from memory
            assertTrue(report.storage().selectChunks() > 0, report.storage().toString());
            assertTrue(report.storage().chunkFrames() > report.storage().selectChunks(), report.storage().toString());
            assertTrue(report.storage().selectWindows() > 0, report.storage().toString());
            assertEquals(0, src.selects(), "the user's source is never asked");
            assertEquals(0, src.windowSelects());
            assertEquals(1, src.seriesCount());
            final String metrics = HttpProbe.get(server.base() + "/metrics").body();
            assertFalse(metrics.contains("query_requests_total{"), metrics);
            assertEquals(200, HttpProbe.get(server.base() + "/ready").status());
            final HttpProbe.Response r = HttpProbe.get(server.base() + "/api/v1/query?query=up&time=600");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"job\":\"api\""), r.body());
            assertEquals(1, src.selects());
        }
    }

    @Test
    void shouldAnswerAQueryThatArrivedDuringWarmupOnceItIsDone() throws Exception {
        final InMemorySeriesSource src = userData();
        try (QueryServer server = new QueryServer(src, dir, Map.of("query.warmup_enabled", "true",
            "query.warmup_rounds", "2"))) {
            // HttpProbe gives up after 5 s; on a busy machine the warm-up may take longer than that
            try (HttpClient client = HttpClient.newHttpClient()) {
                final HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create(server.base() + "/api/v1/query?query=up&time=600")).timeout(Duration.ofSeconds(50))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(server.service().warmup().isDone(), "answered only after the warm-up");
                assertEquals(200, r.statusCode(), r.body());
            }
        }
    }

    @Test
    void shouldSkipWarmupWhenDisabled() throws Exception {
        final InMemorySeriesSource src = userData();
        try (QueryServer server = new QueryServer(src, dir, Map.of("query.warmup_enabled", "false"))) {
            assertTrue(server.service().warmup().isDone());
            assertNull(server.service().warmup().get());
            assertEquals(200, HttpProbe.get(server.base() + "/ready").status());
        }
    }
}
