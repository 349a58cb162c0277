package io.metricstream.alert.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.alert.state.Persister;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Incidents, one per alert group while it fires: a group flush that notifies opens one (TRIGGERED); the flush
 * where no alert fires any more resolves it; people ACK or RESOLVE it through the API; a TRIGGERED incident
 * escalates through its route's policy ({@link #tick}). Persisted to {@code <dataDir>/incidents.json} (atomic
 * replace) after every change; resolved incidents are kept for 7 days, at most 1,000.
 * Not thread-safe: owned by the engine thread.
 */
public final class IncidentManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RETENTION_MS = 7 * 86_400_000L;
    private static final int MAX_CLOSED = 1_000;

    /** Sends an escalation notification of a group to a receiver. */
    @FunctionalInterface
    public interface Escalator {
        /** Notifies {@code receiver} of group {@code groupKey}. */
        void escalate(String receiver, String groupKey, long nowMs);
    }

    /**
     * The outcome of an API action.
     *
     * @param incident the incident, or null when unknown
     * @param conflict why the action does not apply, or null
     */
    public record Outcome(Incident incident, String conflict) {
    }

    private final Path file;
    private final Persister persister;
    private final Escalator escalator;
    private final LinkedHashMap<String, Incident> byId = new LinkedHashMap<>();
    private Map<String, EscalationPolicy> policies = Map.of();
    private long sequence;

    /** A manager persisting to {@code file} (null = memory only) and escalating through {@code escalator}. */
    public IncidentManager(Path file, Escalator escalator) {
        this(file, Persister.synchronous(), escalator);
    }

    /** A manager persisting to {@code file} through {@code persister}. */
    public IncidentManager(Path file, Persister persister, Escalator escalator) {
        this.file = file;
        this.persister = persister;
        this.escalator = escalator;
    }

    /** Replaces the escalation policies (routing reload). */
    public void policies(Map<String, EscalationPolicy> newPolicies) {
        this.policies = Map.copyOf(newPolicies);
    }

    /** Every incident, newest first. */
    public List<Incident> list() {
        final List<Incident> out = new ArrayList<>(byId.values());
        java.util.Collections.reverse(out);
        return out;
    }

    /** The incident {@code id}, or null. */
    public Incident get(String id) {
        return byId.get(id);
    }

    /** The open (triggered or acknowledged) incident of {@code groupKey}, or null. */
    public Incident open(String groupKey) {
        for (Incident i : byId.values()) {
            if (i.groupKey.equals(groupKey) && i.status != Incident.Status.RESOLVED) {
                return i;
            }
        }
        return null;
    }

    /**
     * Reacts to a group flush: {@code firing} alerts fire, {@code notified} says whether a notification went out.
     */
    public void onFlush(String groupKey, String receiver, String policy, int firing, Map<String, String> labels,
                        boolean notified, long nowMs) {
        final Incident open = open(groupKey);
        if (open == null) {
            if (firing > 0 && notified) {
                final String id = String.format(Locale.ROOT, "%d-%04d", nowMs, ++sequence % 10_000);
                final Incident i = new Incident(id, groupKey, receiver, policy, title(labels, firing), labels, nowMs);
                i.firing = firing;
                i.timeline.add(nowMs, "triggered", firing + " alert(s) firing; notified receiver " + receiver);
                byId.put(id, i);
                tick(nowMs);
                save(nowMs);
            }
            return;
        }
        if (firing == 0) {
            open.status = Incident.Status.RESOLVED;
            open.resolvedAtMs = nowMs;
            open.firing = 0;
            open.timeline.add(nowMs, "resolved", "all alerts resolved");
            save(nowMs);
        } else if (firing != open.firing) {
            open.timeline.add(nowMs, "updated", firing + " alert(s) firing (was " + open.firing + ")");
            open.firing = firing;
            save(nowMs);
        }
    }

    private static String title(Map<String, String> labels, int firing) {
        final String name = labels.getOrDefault("alertname", "alerts");
        return "[" + firing + "] " + name + (labels.size() > 1 ? " " + new TreeMap<>(labels) : "");
    }

    /** Acknowledges: stops escalation. */
    public Outcome ack(String id, long nowMs) {
        final Incident i = byId.get(id);
        if (i == null) {
            return new Outcome(null, null);
        }
        if (i.status != Incident.Status.TRIGGERED) {
            return new Outcome(i, "incident " + id + " is " + i.status.name().toLowerCase(Locale.ROOT)
                + "; want triggered");
        }
        i.status = Incident.Status.ACKNOWLEDGED;
        i.acknowledgedAtMs = nowMs;
        i.timeline.add(nowMs, "acknowledged", "acknowledged via API");
        save(nowMs);
        return new Outcome(i, null);
    }

    /** Resolves by hand. */
    public Outcome resolve(String id, long nowMs) {
        final Incident i = byId.get(id);
        if (i == null) {
            return new Outcome(null, null);
        }
        if (i.status == Incident.Status.RESOLVED) {
            return new Outcome(i, "incident " + id + " is already resolved");
        }
        i.status = Incident.Status.RESOLVED;
        i.resolvedAtMs = nowMs;
        i.timeline.add(nowMs, "resolved", "resolved via API");
        save(nowMs);
        return new Outcome(i, null);
    }

    /** Escalates triggered incidents whose next level is due. */
    public void tick(long nowMs) {
        boolean changed = false;
        for (Incident i : byId.values()) {
            if (i.status != Incident.Status.TRIGGERED || i.policy.isEmpty()) {
                continue;
            }
            final EscalationPolicy p = policies.get(i.policy);
            if (p == null) {
                continue;
            }
            while (i.nextLevel < p.levels().size() && nowMs - i.createdAtMs >= p.levels().get(i.nextLevel).afterMs()) {
                final EscalationPolicy.Level lv = p.levels().get(i.nextLevel);
                escalator.escalate(lv.receiver(), i.groupKey, nowMs);
                i.timeline.add(nowMs, "escalated", "level " + (i.nextLevel + 1) + ": notified receiver "
                    + lv.receiver());
                i.nextLevel++;
                changed = true;
            }
        }
        if (changed) {
            save(nowMs);
        }
    }

    /** The JSON of {@code i} for the API. */
    public static ObjectNode toJson(Incident i) {
        final ObjectNode o = JSON.createObjectNode();
        o.put("id", i.id);
        o.put("groupKey", i.groupKey);
        o.put("receiver", i.receiver);
        o.put("policy", i.policy);
        o.put("title", i.title);
        o.put("status", i.status.name().toLowerCase(Locale.ROOT));
        o.set("labels", JSON.valueToTree(new TreeMap<>(i.labels)));
        o.put("createdAtMs", i.createdAtMs);
        o.put("acknowledgedAtMs", i.acknowledgedAtMs);
        o.put("resolvedAtMs", i.resolvedAtMs);
        o.put("nextLevel", i.nextLevel);
        o.put("firing", i.firing);
        final ArrayNode tl = o.putArray("timeline");
        for (Timeline.Event e : i.timeline.events()) {
            tl.addObject().put("atMs", e.atMs()).put("type", e.type()).put("message", e.message());
        }
        return o;
    }

    /** Loads the file, if any. */
    public void load() throws IOException {
        if (file == null || !Files.exists(file)) {
            return;
        }
        for (JsonNode o : JSON.readTree(file.toFile()).path("incidents")) {
            final Map<String, String> labels = new TreeMap<>();
            o.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            final Incident i = new Incident(o.path("id").asText(), o.path("groupKey").asText(),
                o.path("receiver").asText(), o.path("policy").asText(), o.path("title").asText(), labels,
                o.path("createdAtMs").asLong());
            i.status = Incident.Status.valueOf(o.path("status").asText("resolved").toUpperCase(Locale.ROOT));
            i.acknowledgedAtMs = o.path("acknowledgedAtMs").asLong();
            i.resolvedAtMs = o.path("resolvedAtMs").asLong();
            i.nextLevel = o.path("nextLevel").asInt();
            i.firing = o.path("firing").asInt();
            for (JsonNode e : o.path("timeline")) {
                i.timeline.add(e.path("atMs").asLong(), e.path("type").asText(), e.path("message").asText());
            }
            byId.put(i.id, i);
        }
    }

    private void save(long nowMs) {
        int closed = 0;
        final List<String> drop = new ArrayList<>();
        final List<Incident> newestFirst = list();
        for (Incident i : newestFirst) {
            if (i.status == Incident.Status.RESOLVED && (nowMs - i.resolvedAtMs > RETENTION_MS
                || ++closed > MAX_CLOSED)) {
                drop.add(i.id);
            }
        }
        drop.forEach(byId::remove);
        if (file == null) {
            return;
        }
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode arr = root.putArray("incidents");
        byId.values().forEach(i -> arr.add(toJson(i)));
        try {
            persister.write(file, JSON.writeValueAsBytes(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise incidents", e);
        }
    }
}
