package io.metricstream.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metricstream.alert.WebhookSink;
import io.metricstream.alert.incident.IncidentManager;
import io.metricstream.alert.state.Persister;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.TempDirs;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(30)
class GrouperTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Path dir;
    private WebhookSink team;
    private WebhookSink boss;
    private ScheduledThreadPoolExecutor engine;
    private Grouper grouper;
    private IncidentManager incidents;

    @BeforeEach
    void setUp() throws Exception {
        dir = TempDirs.create("grouper");
        team = new WebhookSink(0);
        boss = new WebhookSink(0);
        engine = new ScheduledThreadPoolExecutor(1);
        final RetryQueue outbox = new RetryQueue(dir.resolve("outbox"), Persister.synchronous(),
            HttpClient.newHttpClient(), engine, 2_000,
            10, 50, 60_000);
        final AtomicReference<Grouper> ref = new AtomicReference<>();
        incidents = new IncidentManager(null, (r, k, now) -> ref.get().escalate(r, k, now));
        grouper = new Grouper(engine, outbox, new NotificationLog(null), new Silences(null), incidents,
            "http://alerts", System::currentTimeMillis);
        ref.set(grouper);
        final RoutingConfig cfg = RoutingLoader.parse("am.yml", """
            route:
              receiver: team
              group_by: [alertname]
              group_wait: 0s
              group_interval: 100ms
              repeat_interval: 1h
              metricstream_escalation_policy: p
              routes:
                - matchers: ['team="db"']
                  receiver: team
                  group_by: ['...']
            receivers:
              - name: team
                webhook_configs: [{url: "%team"}]
              - name: boss
                webhook_configs: [{url: "%boss"}]
            inhibit_rules:
              - source_matchers: ['severity="critical"']
                target_matchers: ['severity="warning"']
                equal: [cluster]
            metricstream_escalation_policies:
              - name: p
                levels:
                  - receiver: boss
                    after: 1s
            """.replace("%team", team.url()).replace("%boss", boss.url()));
        assertTrue(cfg.valid(), cfg.problems()::toString);
        onEngine(() -> grouper.configure(cfg));
    }

    @AfterEach
    void tearDown() {
        engine.shutdownNow();
        team.close();
        boss.close();
        TempDirs.deleteRecursively(dir);
    }

    private void onEngine(Runnable r) throws Exception {
        engine.submit(r).get(5, TimeUnit.SECONDS);
    }

    private void put(String fp, Map<String, String> labels, long endsAt) throws Exception {
        onEngine(() -> grouper.put(new PostableAlert(fp, labels, Map.of("summary", "s"), 1, endsAt, "g"),
            System.currentTimeMillis()));
    }

    private TreeSet<String> groupKeys() {
        final TreeSet<String> out = new TreeSet<>();
        team.bodies().forEach(b -> out.add(b.path("groupKey").asText() + " n=" + b.path("alerts").size()));
        return out;
    }

    @Test
    void shouldGroupByLabelsAndSplitEverythingWhenGroupByIsEllipsis() throws Exception {
        put("1", Map.of("alertname", "A", "host", "h1"), 0);
        put("2", Map.of("alertname", "A", "host", "h2"), 0);
        put("3", Map.of("alertname", "B", "host", "h1"), 0);
        put("4", Map.of("alertname", "C", "team", "db"), 0);
        final List<String> want = List.of("{}:{alertname=\"A\"} n=2", "{}:{alertname=\"B\"} n=1",
            "{}/{team=\"db\"}:{alertname=\"C\", team=\"db\"} n=1");
        Awaits.await(WAIT, () -> groupKeys().containsAll(want), () -> "three groups, got " + groupKeys());
        assertTrue(groupKeys().size() <= 4, "at most one early flush of group A: " + groupKeys());
        final JsonNode a = team.bodies().stream().filter(b -> b.path("groupLabels").path("alertname").asText()
            .equals("A") && b.path("alerts").size() == 2).findFirst().orElseThrow();
        assertEquals("A", a.path("commonLabels").path("alertname").asText());
        assertEquals("s", a.path("commonAnnotations").path("summary").asText());
        assertEquals("http://alerts", a.path("externalURL").asText());
        final int before = team.bodies().size();
        put("1", Map.of("alertname", "A", "host", "h1"), 5);
        Awaits.await(WAIT, () -> team.bodies().size() == before + 1, "resolved change notified");
        final JsonNode resolved = team.bodies().getLast();
        assertEquals("firing", resolved.path("status").asText(), "h2 still fires");
        assertEquals("resolved", resolved.path("alerts").get(0).path("status").asText());
    }

    @Test
    void shouldDropInhibitedAlertWhenSourceFiresInSameCluster() throws Exception {
        put("c", Map.of("alertname", "X", "severity", "critical", "cluster", "eu"), 0);
        put("w", Map.of("alertname", "X", "severity", "warning", "cluster", "eu"), 0);
        put("w2", Map.of("alertname", "X", "severity", "warning", "cluster", "us"), 0);
        Awaits.await(WAIT, () -> !team.bodies().isEmpty(), "notification");
        final TreeSet<String> fps = new TreeSet<>();
        team.bodies().getLast().path("alerts").forEach(x -> fps.add(x.path("fingerprint").asText()));
        Awaits.await(WAIT, () -> team.bodies().getLast().path("alerts").size() == 2, "group settled");
        fps.clear();
        team.bodies().getLast().path("alerts").forEach(x -> fps.add(x.path("fingerprint").asText()));
        assertEquals(new TreeSet<>(List.of("c", "w2")), fps);
    }

    @Test
    void shouldEscalateToNextLevelWhenIncidentIsNotAcknowledged() throws Exception {
        engine.scheduleAtFixedRate(() -> incidents.tick(System.currentTimeMillis()), 50, 50, TimeUnit.MILLISECONDS);
        put("1", Map.of("alertname", "A"), 0);
        Awaits.await(WAIT, () -> !boss.bodies().isEmpty(), "escalation to boss");
        assertEquals("boss", boss.bodies().getFirst().path("receiver").asText());
        final AtomicReference<String> tl = new AtomicReference<>();
        onEngine(() -> tl.set(IncidentManager.toJson(incidents.list().getFirst()).toString()));
        assertTrue(tl.get().contains("\"type\":\"escalated\""), tl.get());

        put("2", Map.of("alertname", "B"), 0);
        Awaits.await(WAIT, () -> team.bodies().stream().anyMatch(b -> b.path("groupKey").asText().contains("B")),
            "second group");
        onEngine(() -> incidents.ack(incidents.open("{}:{alertname=\"B\"}").id(), System.currentTimeMillis()));
        final long evaluations = System.nanoTime(); // B's incident is younger than this
        Awaits.await(WAIT, () -> System.nanoTime() - evaluations > 1_500_000_000L, "escalation window passes");
        assertEquals(1, boss.bodies().size(), "an acknowledged incident does not escalate");
    }
}
