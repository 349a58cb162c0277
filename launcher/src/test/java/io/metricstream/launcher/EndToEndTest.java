package io.metricstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a user takes, on the embedded platform: samples posted to ingestion in each format come back
 * from the query service's Prometheus API with exact values, and a breaching sample reaches a webhook receiver
 * through the alert service.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddedPlatform platform;
    private HttpServer webhook;
    private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir final Path dir) throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            notifications.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        final Path rules = Files.writeString(dir.resolve("rules.yml"), """
            groups:
              - name: e2e
                interval: 1s
                rules:
                  - alert: E2eTooHot
                    expr: e2e_temperature_celsius > 100
                    labels: {severity: page}
                    annotations: {summary: "{{ $labels.host }} is at {{ $value }}"}
            """);
        final Path routing = Files.writeString(dir.resolve("alertmanager.yml"), """
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:PORT/hook
            """.replace("PORT", String.valueOf(webhook.getAddress().getPort())));
        platform = EmbeddedPlatform.start(dir.resolve("data"), Map.of(
            "alert.rule_files", rules.toString(), "alert.routing_file", routing.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private JsonNode query(final String promql) throws IOException {
        final String url = platform.url("query") + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        final HttpProbe.Response r = HttpProbe.get(url);
        assertEquals(200, r.status(), () -> promql + " -> " + r.body());
        return JSON.readTree(r.body()).path("data").path("result");
    }

    private void awaitResult(final String promql, final int series) {
        Awaits.await(Duration.ofSeconds(30), () -> {
            try {
                return query(promql).size() == series;
            } catch (final IOException | AssertionError e) {
                return false;
            }
        }, () -> promql + " to return " + series + " series; platform output:\n" + platform.output());
    }

    @Test
    void shouldAnswerQueriesWithExactValuesWhenSamplesArePostedAsSeedJson() throws IOException {
        final long now = System.currentTimeMillis();
        final StringBuilder body = new StringBuilder();
        for (int host = 0; host < 10; host++) {
            for (int i = 0; i < 10; i++) {
                body.append("{\"name\":\"e2e_json_value\",\"value\":").append(host * 100 + i)
                    .append(",\"timestamp\":").append(now - (9 - i) * 1_000L)
                    .append(",\"labels\":{\"host\":\"h").append(host).append("\"}}\n");
            }
        }
        final HttpProbe.Response posted = HttpProbe.post(platform.url("ingestion") + "/metrics",
            "application/json", body.toString());
        assertEquals(200, posted.status(), posted.body());
        awaitResult("e2e_json_value", 10);
        final JsonNode h3 = query("e2e_json_value{host=\"h3\"}");
        assertEquals("309", h3.get(0).path("value").get(1).asText());
        final JsonNode sum = query("sum(count_over_time(e2e_json_value[1m]))");
        assertEquals("100", sum.get(0).path("value").get(1).asText());
        // ranges >= query.pushdown_min_range_ms (1 h) are computed by storage (SELECT_WINDOWS): same answers;
        // everything else reads chunks (SELECT_CHUNKS), never the raw SELECT
        final double windowsBefore = storageCounter("storage_select_requests_total{api=\"select_windows\"}");
        assertEquals("309", query("max_over_time(e2e_json_value{host=\"h3\"}[2h])").get(0).path("value").get(1)
            .asText());
        assertEquals("300", query("min_over_time(e2e_json_value{host=\"h3\"}[2h])").get(0).path("value").get(1)
            .asText());
        assertEquals("100", query("sum(count_over_time(e2e_json_value[3h]))").get(0).path("value").get(1).asText());
        assertEquals("304.5", query("avg_over_time(e2e_json_value{host=\"h3\"}[1d])").get(0).path("value").get(1)
            .asText());
        assertEquals(windowsBefore + 4, storageCounter("storage_select_requests_total{api=\"select_windows\"}"));
        assertTrue(storageCounter("storage_select_requests_total{api=\"select_chunks\"}") >= 2);
    }

    private double storageCounter(final String series) throws IOException {
        final HttpProbe.Response r = HttpProbe.get(platform.url("storage") + "/metrics");
        for (final String line : r.body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void shouldAnswerQueriesWhenSamplesArePostedAsInfluxLineProtocol() throws IOException {
        final long nowNs = System.currentTimeMillis() * 1_000_000L;
        final String lines = "e2e_disk,host=a used=1.5,free=2i " + nowNs + "\n"
            + "e2e_disk,host=b used=3.25,free=4i " + nowNs + "\n";
        final HttpProbe.Response posted = HttpProbe.post(platform.url("ingestion") + "/write", "text/plain", lines);
        assertEquals(204, posted.status(), posted.body());
        awaitResult("e2e_disk_used", 2);
        assertEquals("3.25", query("e2e_disk_used{host=\"b\"}").get(0).path("value").get(1).asText());
        assertEquals("2", query("e2e_disk_free{host=\"a\"}").get(0).path("value").get(1).asText());
    }

    @Test
    void shouldForgetSeriesWhenDeletedAndTombstonesAreCleaned() throws IOException {
        final HttpProbe.Response posted = HttpProbe.post(platform.url("ingestion") + "/metrics", "application/json",
            "[{\"name\":\"e2e_delete_me\",\"value\":1,\"labels\":{\"k\":\"a\"}},"
                + "{\"name\":\"e2e_delete_me\",\"value\":2,\"labels\":{\"k\":\"b\"}}]");
        assertEquals(200, posted.status(), posted.body());
        awaitResult("e2e_delete_me", 2);
        final String match = URLEncoder.encode("e2e_delete_me{k=\"a\"}", StandardCharsets.UTF_8);
        final HttpProbe.Response deleted = HttpProbe.post(platform.url("query")
            + "/api/v1/admin/tsdb/delete_series?match[]=" + match, "application/x-www-form-urlencoded", "");
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals(1, query("e2e_delete_me").size());
        final HttpProbe.Response cleaned = HttpProbe.post(platform.url("query")
            + "/api/v1/admin/tsdb/clean_tombstones", "application/x-www-form-urlencoded", "");
        assertEquals(204, cleaned.status(), cleaned.body());
        final JsonNode left = query("e2e_delete_me");
        assertEquals(1, left.size());
        assertEquals("b", left.get(0).path("metric").path("k").asText());
    }

    @Test
    void shouldReadBackEveryAcknowledgedSampleWhenLoadgenVerifies() {
        for (String format : List.of("json", "lp", "remote-write")) {
            final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            final java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
            final int code = io.metricstream.loadgen.LoadgenCli.run(new String[] {"verify",
                "--target", platform.url("ingestion"), "--format", format, "--rate", "2000", "--batch", "100",
                "-c", "2", "-d", "2s", "--hosts", "20", "--metrics", "3", "--query-url", platform.url("query"),
                "--verify-timeout", "30s"},
                print, print);
            final String report = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, () -> format + ":\n" + report + "\nplatform:\n" + platform.output());
            assertTrue(report.contains("verify OK") && report.contains(" lost=0 "), () -> format + ":\n" + report);
            final java.util.regex.Matcher expected = java.util.regex.Pattern.compile("expected=(\\d+)").matcher(report);
            assertTrue(expected.find() && Long.parseLong(expected.group(1)) >= 1_000, () -> format + ":\n" + report);
        }
    }

    @Test
    void shouldShowFiringAlertsAndIncidentsInTheAlertUiWhenRenderedByHeadlessChromium(@TempDir final Path tmp)
        throws Exception {
        final Path chromium = Path.of("/usr/bin/chromium");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium),
            "skipped: /usr/bin/chromium not installed (apt-get install -y chromium)");
        final HttpProbe.Response posted = HttpProbe.post(platform.url("ingestion") + "/metrics", "application/json",
            "{\"name\":\"e2e_temperature_celsius\",\"value\":130,\"labels\":{\"host\":\"ui1\"}}");
        assertEquals(200, posted.status(), posted.body());
        Awaits.await(Duration.ofSeconds(30), () -> HttpProbe.get(platform.url("alert") + "/api/v1/alerts").body()
            .contains("ui1"), "alert for host ui1 in /api/v1/alerts");
        final Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + tmp.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom",
            platform.url("alert") + "/").redirectErrorStream(false).redirectError(tmp.resolve("err").toFile()).start();
        final String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finishes");
        assertTrue(dom.contains("host=\"ui1\""), dom);
        assertTrue(dom.contains("<td class=\"firing\">firing</td>"), dom);
        assertTrue(dom.contains("<td class=\"triggered\">triggered</td>"), "an incident row: " + dom);
        assertTrue(dom.contains("E2eTooHot"), dom);
    }

    @Test
    void shouldDeliverAWebhookWhenABreachingSampleArrives() {
        final HttpProbe.Response posted = HttpProbe.post(platform.url("ingestion") + "/metrics", "application/json",
            "{\"name\":\"e2e_temperature_celsius\",\"value\":120.5,\"labels\":{\"host\":\"hot1\"}}");
        assertEquals(200, posted.status(), posted.body());
        Awaits.await(Duration.ofSeconds(30), () -> !notifications.isEmpty(),
            () -> "a webhook notification; platform output:\n" + platform.output());
        final JsonNode n = notifications.get(0);
        assertEquals("firing", n.path("status").asText(), n.toString());
        final JsonNode alert = n.path("alerts").get(0);
        assertEquals("E2eTooHot", alert.path("labels").path("alertname").asText());
        assertEquals("hot1", alert.path("labels").path("host").asText());
        assertTrue(alert.path("annotations").path("summary").asText().startsWith("hot1 is at 120.5"), n.toString());
    }
}
