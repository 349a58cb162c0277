package io.metricstream.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReceiverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Notification N = new Notification("team", "{}:{alertname=\"A\"}", "firing",
        Map.of("alertname", "A"), Map.of("alertname", "A"), Map.of("summary", "s"), "http://x", List.of(
            new PostableAlert("00000000000000a1", Map.of("alertname", "A", "host", "h1"), Map.of("summary", "s"),
                1_700_000_000_000L, 0, "http://q/graph"),
            new PostableAlert("00000000000000a2", Map.of("alertname", "A", "host", "h2"), Map.of("summary", "s"),
                1_700_000_000_000L, 1_700_000_060_000L, "http://q/graph")));

    private static JsonNode body(Delivery d) throws Exception {
        return JSON.readTree(d.body());
    }

    @Test
    void shouldRenderAlertmanagerWebhookWhenTruncatedByMaxAlerts() throws Exception {
        final JsonNode b = body(new WebhookReceiver("team/webhook[0]", "http://h", true, 1).render(N, 0));
        assertEquals("4", b.path("version").asText());
        assertEquals(1, b.path("alerts").size());
        assertEquals(1, b.path("truncatedAlerts").asInt());
        assertEquals("2023-11-14T22:13:20Z", b.path("alerts").get(0).path("startsAt").asText());
        assertEquals("0001-01-01T00:00:00Z", b.path("alerts").get(0).path("endsAt").asText());
        assertEquals("firing", b.path("alerts").get(0).path("status").asText());
        final JsonNode all = body(new WebhookReceiver("w", "http://h", true, 0).render(N, 0));
        assertEquals("resolved", all.path("alerts").get(1).path("status").asText());
        assertEquals("2023-11-14T22:14:20Z", all.path("alerts").get(1).path("endsAt").asText());
    }

    @Test
    void shouldRenderSlackMessageWhenPlaceholdersAreUsed() throws Exception {
        final JsonNode b = body(new SlackReceiver("s", "http://slack", "#ops", "bot",
            "{{ .CommonLabels.alertname }} is {{ .Status }} ({{ len .Alerts }})", "", false).render(N, 0));
        final JsonNode att = b.path("attachments").get(0);
        assertEquals("#ops", b.path("channel").asText());
        assertEquals("A is firing (2)", att.path("title").asText());
        assertEquals("• s\n✓ s", att.path("text").asText());
        assertEquals("danger", att.path("color").asText());
        assertEquals("[FIRING:1] A", body(new SlackReceiver("s", "u", "", "", "", "", false).render(N, 0))
            .path("attachments").get(0).path("title").asText());
        assertEquals("{{ range .Alerts }}", SlackReceiver.unsupportedAction("x {{ range .Alerts }}"));
    }

    @Test
    void shouldPostToAlertmanagerApiWhenForwarding() throws Exception {
        final Delivery d = new AlertmanagerReceiver("am", "http://am:9093/", 60_000).render(N, 1_000);
        assertEquals("http://am:9093/api/v2/alerts", d.url());
        final JsonNode arr = body(d);
        assertEquals(2, arr.size());
        assertEquals(iso(1_000 + 240_000), arr.get(0).path("endsAt").asText());
        assertEquals("2023-11-14T22:14:20Z", arr.get(1).path("endsAt").asText());
    }

    private static String iso(long ms) {
        return java.time.Instant.ofEpochMilli(ms).toString();
    }
}
