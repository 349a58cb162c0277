package io.metricstream.alert.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Forwards alerts to a real Alertmanager ({@code metricstream_alertmanager_configs: [{url}]}): POSTs the
 * alerts as a JSON array of postable alerts to {@code <url>/api/v2/alerts}. Firing alerts carry
 * {@code endsAt = now + max(4 × group_interval, 4m)} (as Prometheus does with its resend delay) and are re-sent on
 * every group flush, so the Alertmanager neither forgets nor auto-resolves them.
 *
 * @param name            integration name
 * @param url             the Alertmanager base URL
 * @param groupIntervalMs the route's group interval (for endsAt)
 */
public record AlertmanagerReceiver(String name, String url, long groupIntervalMs) implements Receiver {
    private static final long MIN_HOLD_MS = 4 * 60_000L;

    @Override
    public boolean sendResolved() {
        return true;
    }

    @Override
    public boolean deduplicated() {
        return false;
    }

    @Override
    public Delivery render(Notification n, long nowMs) {
        final ArrayNode arr = Json.MAPPER.createArrayNode();
        for (PostableAlert a : n.alerts()) {
            final ObjectNode x = arr.addObject();
            Json.map(x, "labels", a.labels());
            Json.map(x, "annotations", a.annotations());
            x.put("startsAt", Json.time(a.startsAtMs()));
            x.put("endsAt", Json.time(a.firing() ? nowMs + Math.max(4 * groupIntervalMs, MIN_HOLD_MS)
                : a.endsAtMs()));
            x.put("generatorURL", a.generatorURL());
        }
        final String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new Delivery(name, base + "/api/v2/alerts", "application/json", Json.bytes(arr));
    }
}
