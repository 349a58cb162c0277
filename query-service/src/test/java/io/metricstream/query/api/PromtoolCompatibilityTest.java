package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.ExternalTools;
import io.metricstream.query.QueryServer;
import io.metricstream.query.remote.InMemorySeriesSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Debian's promtool (Prometheus 2.x client code) against our API. Needs {@code apt-get install prometheus}. */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PromtoolCompatibilityTest {
    private static final String PROMTOOL = "/usr/bin/promtool";

    @TempDir
    static Path dir;
    private static QueryServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ExternalTools.present(PROMTOOL), "skipped: " + PROMTOOL + " not installed "
            + "(apt-get install -y prometheus)");
        final InMemorySeriesSource src = new InMemorySeriesSource();
        final long now = System.currentTimeMillis() / 1000 * 1000;
        for (int i = 20; i >= 0; i--) {
            src.add(LabelSet.of("__name__", "up", "job", "api"), now - i * 15_000L, 1);
            src.add(LabelSet.of("__name__", "reqs_total", "job", "api"), now - i * 15_000L, (20 - i) * 30.0);
        }
        server = new QueryServer(src, dir, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPrintVectorWhenPromtoolQueriesInstant() throws Exception {
        final ExternalTools.Outcome o = ExternalTools.run(List.of(PROMTOOL, "query", "instant", server.base(),
            "up"), 60);
        assertEquals(0, o.exitCode(), o.output());
        assertTrue(o.output().contains("up{job=\"api\"} => 1 @["), o.output());
    }

    @Test
    void shouldPrintMatrixWhenPromtoolQueriesRange() throws Exception {
        final long end = System.currentTimeMillis() / 1000;
        final ExternalTools.Outcome o = ExternalTools.run(List.of(PROMTOOL, "query", "range",
            "--start=" + (end - 240), "--end=" + end, "--step=60s", server.base(), "rate(reqs_total[1m])"), 60);
        assertEquals(0, o.exitCode(), o.output());
        assertTrue(o.output().contains("{job=\"api\"} =>"), o.output());
        assertTrue(o.output().contains("2 @["), o.output());
    }

    @Test
    void shouldPrintSeriesAndLabelsWhenPromtoolQueriesMetadata() throws Exception {
        final ExternalTools.Outcome series = ExternalTools.run(List.of(PROMTOOL, "query", "series",
            "--match=up", server.base()), 60);
        assertEquals(0, series.exitCode(), series.output());
        assertTrue(series.output().contains("{__name__=\"up\", job=\"api\"}"), series.output());
        final ExternalTools.Outcome labels = ExternalTools.run(List.of(PROMTOOL, "query", "labels", server.base(),
            "job"), 60);
        assertEquals(0, labels.exitCode(), labels.output());
        assertTrue(labels.output().contains("api"), labels.output());
    }

    @Test
    void shouldReportBadDataWhenPromtoolSendsBrokenQuery() throws Exception {
        final ExternalTools.Outcome o = ExternalTools.run(List.of(PROMTOOL, "query", "instant", server.base(),
            "sum(up"), 60);
        assertTrue(o.exitCode() != 0, o.output());
        assertTrue(o.output().contains("bad_data"), o.output());
    }
}
