package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Alertmanager's generic webhook: POSTs {@code {"version":"4","groupKey","truncatedAlerts","status","receiver",
 * "groupLabels","commonLabels","commonAnnotations","externalURL","alerts":[{"status","labels","annotations",
 * "startsAt","endsAt","generatorURL","fingerprint"}]}} to {@code url}; {@code max_alerts} (0 = all) truncates.
 *
 * @param name         integration name
 * @param url          the endpoint
 * @param sendResolved whether resolved notifications are sent (default true)
 * @param maxAlerts    most alerts per message, 0 for all
 */
public record WebhookReceiver(String name, String url, boolean sendResolved, int maxAlerts) implements Receiver {
    @Override
    public Delivery render(Notification n, long nowMs) {
        return new Delivery(name, url, "application/json", Json.bytes(payload(n, maxAlerts)));
    }

    /** The webhook payload of {@code n} (shared with tests). */
    static ObjectNode payload(Notification n, int maxAlerts) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        final int total = n.alerts().size();
        final int shown = maxAlerts > 0 ? Math.min(maxAlerts, total) : total;
        o.put("receiver", n.receiver());
        o.put("status", n.status());
        final ArrayNode alerts = o.putArray("alerts");
        for (int i = 0; i < shown; i++) {
            final PostableAlert a = n.alerts().get(i);
            final ObjectNode x = alerts.addObject();
            x.put("status", a.status());
            Json.map(x, "labels", a.labels());
            Json.map(x, "annotations", a.annotations());
            x.put("startsAt", Json.time(a.startsAtMs()));
            x.put("endsAt", Json.time(a.endsAtMs()));
            x.put("generatorURL", a.generatorURL());
            x.put("fingerprint", a.fingerprint());
        }
        Json.map(o, "groupLabels", n.groupLabels());
        Json.map(o, "commonLabels", n.commonLabels());
        Json.map(o, "commonAnnotations", n.commonAnnotations());
        o.put("externalURL", n.externalURL());
        o.put("version", "4");
        o.put("groupKey", n.groupKey());
        o.put("truncatedAlerts", total - shown);
        return o;
    }
}
