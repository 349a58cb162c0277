package io.metricstream.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.ExternalTools;
import io.metricstream.query.QueryServer;
import io.metricstream.query.remote.InMemorySeriesSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The web UI rendered by headless Chromium (offline, loopback only). Needs {@code apt-get install chromium}. */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebUiTest {
    private static final String CHROMIUM = "/usr/bin/chromium";

    @TempDir
    static Path dir;
    private static QueryServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ExternalTools.present(CHROMIUM), "skipped: " + CHROMIUM + " not installed "
            + "(apt-get install -y chromium)");
        final InMemorySeriesSource src = new InMemorySeriesSource();
        final long now = System.currentTimeMillis();
        for (int i = 240; i >= 0; i--) {
            src.add(LabelSet.of("__name__", "node_load1", "host", "h1"), now - i * 15_000L, 1 + i % 7);
            src.add(LabelSet.of("__name__", "node_load5", "host", "h1"), now - i * 15_000L, 2);
        }
        server = new QueryServer(src, dir, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String dumpDom(final String pathAndQuery) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + dir.resolve("chromium-profile"), "--virtual-time-budget=10000", "--dump-dom",
            server.base() + pathAndQuery));
        final ExternalTools.Outcome o = ExternalTools.run(cmd, 120);
        assertEquals(0, o.exitCode(), o.output());
        return o.output();
    }

    @Test
    void shouldRenderTableWhenExpressionGivenInUrl() throws Exception {
        final String dom = dumpDom("/?expr=node_load5");
        assertTrue(dom.contains("<td>node_load5{host=\"h1\"}</td><td>2</td>"), dom);
    }

    @Test
    void shouldRenderSvgGraphWhenGraphTabSelected() throws Exception {
        final String dom = dumpDom("/?expr=node_load1&tab=graph");
        assertTrue(dom.contains("class=\"series\""), dom);
        assertTrue(dom.contains("node_load1{host=\"h1\"}"), dom);
    }
}
