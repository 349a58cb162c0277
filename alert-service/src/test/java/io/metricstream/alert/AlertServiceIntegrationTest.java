package io.metricstream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(60)
class AlertServiceIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RULES = """
        groups:
          - name: cpu
            rules:
              - alert: HighCpu
                expr: cpu_usage > 90
                for: 0s
                labels:
                  severity: page
                annotations:
                  summary: "{{ $labels.host }} cpu at {{ printf \\"%.1f\\" $value }}%"
        """;

    private Path dir;
    private FakePrometheusApi prom;
    private WebhookSink hook;

    @BeforeEach
    void setUp() throws IOException {
        dir = TempDirs.create("alert-it");
        prom = new FakePrometheusApi();
        hook = new WebhookSink(0);
    }

    @AfterEach
    void tearDown() {
        hook.close();
        prom.close();
        TempDirs.deleteRecursively(dir);
    }

    private String routing() {
        return """
            route:
              receiver: team
              group_by: [alertname]
              group_wait: 0s
              group_interval: 200ms
              repeat_interval: 1h
            receivers:
              - name: team
                webhook_configs:
                  - url: %s
                pagerduty_configs:
                  - routing_key: abc
            """.replace("%s", hook.url());
    }

    private void breach() {
        prom.answer("cpu_usage > 90", FakePrometheusApi.vector("{\"__name__\":\"cpu_usage\",\"host\":\"web1\"}",
            "95.25"));
    }

    @Test
    void shouldDeliverAlertmanagerWebhookPayloadWhenQueryBreaches() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> !hook.bodies().isEmpty(), "webhook notification");
            final JsonNode n = hook.bodies().getFirst();
            assertEquals("4", n.path("version").asText());
            assertEquals("firing", n.path("status").asText());
            assertEquals("team", n.path("receiver").asText());
            assertEquals("{}:{alertname=\"HighCpu\"}", n.path("groupKey").asText());
            assertEquals("HighCpu", n.path("groupLabels").path("alertname").asText());
            final JsonNode a = n.path("alerts").get(0);
            assertEquals("web1", a.path("labels").path("host").asText());
            assertEquals("page", a.path("labels").path("severity").asText());
            assertEquals("web1 cpu at 95.2%", a.path("annotations").path("summary").asText());
            assertEquals(16, a.path("fingerprint").asText().length());
            assertTrue(a.path("generatorURL").asText().contains("g0.expr=cpu_usage"));
            final JsonNode alerts = JSON.readTree(h.get("/api/v1/alerts").body());
            assertEquals("firing", alerts.path("data").path("alerts").get(0).path("state").asText());
            assertEquals("9.525e+01", alerts.path("data").path("alerts").get(0).path("value").asText());
            final JsonNode rules = JSON.readTree(h.get("/api/v1/rules").body());
            assertEquals("ok", rules.path("data").path("groups").get(0).path("rules").get(0).path("health").asText());

            prom.answer("cpu_usage > 90", FakePrometheusApi.vector());
            Awaits.await(WAIT, () -> hook.bodies().size() >= 2, "resolved notification");
            assertEquals("resolved", hook.bodies().get(1).path("status").asText());
            Awaits.await(WAIT, () -> prom.writes() > 0, "ALERTS written back through ingestion");
        }
    }

    @Test
    void shouldDeliverExactlyOnceWhenReceiverIsDownThenUp() throws Exception {
        hook.stop();
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> h.service().outbox().failedAttempts() >= 3, "failed delivery attempts");
            assertTrue(Files.list(dir.resolve("data/alert/outbox")).findAny().isPresent(), "persisted in outbox");
            hook.restart();
            Awaits.await(WAIT, () -> h.service().outbox().delivered() == 1, "delivery after the outage");
            final long evaluations = h.service().ruleEngine().groupEvaluations();
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() > evaluations + 10,
                "ten more evaluations");
            assertEquals(1, hook.bodies().size(), "delivered exactly once");
            assertEquals(0, h.service().outbox().pending());
        }
    }

    @Test
    void shouldNotRepageWhenRestartedWithFiringAlert() throws Exception {
        String activeAt;
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> hook.bodies().size() == 1 && h.service().outbox().delivered() == 1,
                "first page");
            activeAt = JSON.readTree(h.get("/api/v1/alerts").body()).path("data").path("alerts").get(0)
                .path("activeAt").asText();
        }
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            final JsonNode alerts = JSON.readTree(h.get("/api/v1/alerts").body()).path("data").path("alerts");
            assertEquals(activeAt, alerts.get(0).path("activeAt").asText(), "state restored from the data dir");
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() > 10, "ten evaluations");
            assertEquals(1, hook.bodies().size(), "no re-page after restart");
        }
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            prom.answer("cpu_usage > 90", FakePrometheusApi.vector());
            Awaits.await(WAIT, () -> hook.bodies().size() == 2, "resolution notified after another restart");
            assertEquals("resolved", hook.bodies().get(1).path("status").asText());
            assertTrue(h.get("/api/v1/incidents").body().contains("\"status\":\"resolved\""));
        }
    }

    @Test
    void shouldResendPendingNotificationWhenRestartedDuringOutage() throws Exception {
        hook.stop();
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> h.service().outbox().failedAttempts() >= 1, "a failed attempt");
        }
        hook.restart();
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            Awaits.await(WAIT, () -> h.service().outbox().delivered() >= 1, "outbox replayed after restart");
            final long evaluations = h.service().ruleEngine().groupEvaluations();
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() > evaluations + 10, "evaluations");
            assertEquals(1, hook.bodies().size(), "neither lost nor duplicated");
        }
    }

    @Test
    void shouldWriteRecordingRuleAndAlertSeriesThroughIngestionWhenEvaluated() throws Exception {
        final String rules = RULES + """
              - name: rec
                rules:
                  - record: host:cpu:max
                    expr: max by (host) (cpu_usage)
                    labels: {source: rule}
            """;
        prom.answer("max by (host) (cpu_usage)", FakePrometheusApi.vector("{\"host\":\"web1\"}", "42"));
        try (AlertHarness h = AlertHarness.start(dir, rules, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> prom.written().stream().anyMatch(b -> b.contains("\"name\":\"host:cpu:max\"")),
                "recording rule written back");
            Awaits.await(WAIT, () -> prom.written().stream().anyMatch(b -> b.contains("\"name\":\"ALERTS\"")
                && b.contains("\"alertstate\":\"firing\"")), "ALERTS written back");
            final String rec = prom.written().stream().filter(b -> b.contains("host:cpu:max")).findFirst()
                .orElseThrow();
            final JsonNode sample = JSON.readTree(rec).get(0);
            assertEquals(42.0, sample.path("value").asDouble());
            assertEquals("rule", sample.path("labels").path("source").asText());
            assertEquals("web1", sample.path("labels").path("host").asText());
            assertTrue(prom.written().stream().anyMatch(b -> b.contains("\"name\":\"ALERTS_FOR_STATE\"")));
            assertTrue(h.get("/api/v1/rules?type=record").body().contains("host:cpu:max"));
        }
    }

    @Test
    void shouldKeepOldRulesWhenReloadedFileIsInvalid() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            AlertHarness.write(dir.resolve("rules.yml"), RULES.replace("for: 0s", "for: 5x"));
            final HttpProbe.Response r = h.post("/-/reload", "");
            assertEquals(400, r.status());
            assertTrue(r.body().contains("rules.yml:6: groups[0].rules[0].for: got \\\"5x\\\"; want a duration"),
                r.body());
            breach();
            Awaits.await(WAIT, () -> !hook.bodies().isEmpty(), "old rules still evaluated");
            AlertHarness.write(dir.resolve("rules.yml"), RULES.replace("HighCpu", "VeryHighCpu"));
            assertEquals(200, h.post("/-/reload", "").status());
            assertTrue(h.get("/api/v1/rules").body().contains("VeryHighCpu"));
        }
    }

    @Test
    void shouldSuppressNotificationWhenSilenced() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            final HttpProbe.Response created = h.post("/api/v2/silences", """
                {"matchers":[{"name":"host","value":"web1","isRegex":false}],
                 "startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"t","comment":"c"}
                """);
            assertEquals(200, created.status(), created.body());
            final String id = JSON.readTree(created.body()).path("silenceID").asText();
            breach();
            final long evaluations = h.service().ruleEngine().groupEvaluations();
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() > evaluations + 5, "evaluations");
            assertEquals(0, hook.bodies().size(), "silenced");
            final JsonNode list = JSON.readTree(h.get("/api/v2/silences").body());
            assertEquals("active", list.get(0).path("status").path("state").asText());
            final HttpResponse<String> del = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(h.url() + "/api/v2/silence/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, del.statusCode());
            Awaits.await(WAIT, () -> !hook.bodies().isEmpty(), "notified once the silence expired");
            final HttpProbe.Response bad = h.post("/api/v2/silences", "{\"matchers\":[]}");
            assertEquals(400, bad.status());
            assertTrue(bad.body().contains("\"field\":\"matchers\""), bad.body());
        }
    }

    @Test
    void shouldOpenAckAndAutoResolveIncidentWhenGroupFiresThenClears() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            breach();
            Awaits.await(WAIT, () -> h.get("/api/v1/incidents").body().contains("triggered"), "incident");
            final JsonNode inc = JSON.readTree(h.get("/api/v1/incidents").body()).path("data").path("incidents")
                .get(0);
            final String id = inc.path("id").asText();
            assertEquals(200, h.post("/api/v1/incidents/" + id + "/ack", "").status());
            assertEquals(409, h.post("/api/v1/incidents/" + id + "/ack", "").status());
            assertEquals(404, h.post("/api/v1/incidents/nope/ack", "").status());
            prom.answer("cpu_usage > 90", FakePrometheusApi.vector());
            Awaits.await(WAIT, () -> h.get("/api/v1/incidents/" + id).body().contains("\"status\":\"resolved\""),
                "auto-resolved incident");
            final JsonNode tl = JSON.readTree(h.get("/api/v1/incidents/" + id).body()).path("timeline");
            assertEquals("triggered", tl.get(0).path("type").asText());
            assertEquals("acknowledged", tl.get(1).path("type").asText());
            assertEquals("resolved", tl.get(2).path("type").asText());
        }
    }

    @Test
    void shouldFireFromArrivingSampleWhenStorageHasNotAppliedItYet() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(),
            Map.of("alert.evaluation_interval_ms", "60000"))) {
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() >= 1, "first evaluation");
            final long now = System.currentTimeMillis();
            h.service().ruleEngine().onSample(LabelSet.of("__name__", "cpu_usage", "host", "web8"), now, 50.0);
            h.service().ruleEngine().onSample(LabelSet.of("__name__", "mem_bytes", "host", "web7"), now, 99.0);
            h.service().ruleEngine().onSample(LabelSet.of("__name__", "cpu_usage", "host", "web9"), now, 99.0);
            Awaits.await(WAIT, () -> !hook.bodies().isEmpty(), "notification from the arriving sample");
            assertEquals(1, hook.bodies().getFirst().path("alerts").size());
            assertEquals("web9", hook.bodies().getFirst().path("alerts").get(0).path("labels").path("host").asText());
            Awaits.await(WAIT, () -> h.service().ruleEngine().groupEvaluations() >= 3,
                "debounced and follow-up data-driven evaluations of the group");
        }
    }

    @Test
    void shouldFireFromQueueRecordWhenWatchingMetricsInbound() throws Exception {
        try (FakeQueue queue = new FakeQueue();
             AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(),
                 Map.of("alert.evaluation_interval_ms", "60000", "alert.queue_address", queue.address()))) {
            Awaits.await(WAIT, () -> queue.fetches() >= 1, "watcher fetching");
            queue.append(LabelSet.of("__name__", "cpu_usage", "host", "q1"), System.currentTimeMillis(), 97);
            Awaits.await(WAIT, () -> !hook.bodies().isEmpty(), "notification from the queue record");
            assertEquals("q1", hook.bodies().getFirst().path("alerts").get(0).path("labels").path("host").asText());
            assertTrue(h.get("/api/v1/alerts").body().contains("\"host\":\"q1\""));
        }
    }

    @Test
    void shouldReportQueryErrorOnRuleWhenQueryServiceRejectsExpression() throws Exception {
        try (AlertHarness h = AlertHarness.start(dir, RULES, routing(), prom.url(), Map.of())) {
            prom.answer("cpu_usage > 90",
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}");
            Awaits.await(WAIT, () -> h.get("/api/v1/rules").body().contains("bad_data: parse error"), "lastError");
            assertTrue(h.get("/").body().contains("MetricStream alerts"));
        }
    }
}
