package io.metricstream.alert.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.alert.eval.RuleEngine;
import io.metricstream.alert.incident.Incident;
import io.metricstream.alert.incident.IncidentManager;
import io.metricstream.alert.notify.Grouper;
import io.metricstream.alert.notify.Silences;
import io.metricstream.alert.rule.AlertingRule;
import io.metricstream.alert.state.Alert;
import io.metricstream.alert.state.AlertState;
import io.metricstream.alert.template.GoFormat;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.Router;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Registers the alert service's routes. Every handler hops onto the engine thread (which owns rules, alerts,
 * silences and incidents) and answers from there. Prometheus-compatible endpoints answer in Prometheus's shape
 * ({@code {"status":"success","data":…}}); Alertmanager-compatible ones in Alertmanager v2's; the rest use the
 * project's error shape.
 */
public final class AlertApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Executor engine;
    private final RuleEngine rules;
    private final Grouper grouper;
    private final Silences silences;
    private final IncidentManager incidents;
    private final Supplier<List<String>> reload;
    private final LongSupplier clock;
    private final byte[] indexHtml;

    /** An API over the given parts; {@code reload} answers the problems of a reload (empty = reloaded). */
    public AlertApi(Executor engine, RuleEngine rules, Grouper grouper, Silences silences, IncidentManager incidents,
                    Supplier<List<String>> reload, LongSupplier clock) {
        this.engine = engine;
        this.rules = rules;
        this.grouper = grouper;
        this.silences = silences;
        this.incidents = incidents;
        this.reload = reload;
        this.clock = clock;
        this.indexHtml = resource("index.html");
    }

    private static byte[] resource(String name) {
        try (InputStream in = AlertApi.class.getResourceAsStream(name)) {
            return in == null ? "<html><body>ui missing</body></html>".getBytes(StandardCharsets.UTF_8)
                : in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Adds the routes to {@code r}. */
    public void register(Router r) {
        r.get("/", ex -> ex.respond(HttpResponseStatus.OK, "text/html; charset=utf-8",
            io.netty.buffer.Unpooled.wrappedBuffer(indexHtml)));
        r.get("/api/v1/rules", ex -> {
            final String type = ex.queryParam("type");
            onEngine(ex, () -> ex.respondJson(HttpResponseStatus.OK, bytes(rulesDocument(type))));
        });
        r.get("/api/v1/alerts", ex -> onEngine(ex, () -> ex.respondJson(HttpResponseStatus.OK,
            bytes(alertsDocument()))));
        r.post("/-/reload", ex -> onEngine(ex, () -> {
            final List<String> problems = reload.get();
            if (problems.isEmpty()) {
                ex.respondJson(HttpResponseStatus.OK, bytes(JSON.createObjectNode().put("status", "success")));
            } else {
                ex.respondError(HttpResponseStatus.BAD_REQUEST, "invalid_config", "reload failed; keeping the "
                    + "previous configuration: " + String.join("; ", problems), null);
            }
        }));
        r.get("/api/v2/silences", ex -> onEngine(ex, () -> {
            final ArrayNode arr = JSON.createArrayNode();
            final long now = clock.getAsLong();
            silences.list().forEach(s -> arr.add(Silences.toJson(s, now)));
            ex.respondJson(HttpResponseStatus.OK, bytes(arr));
        }));
        r.get("/api/v2/silence/{id}", ex -> onEngine(ex, () -> {
            final Silences.Silence s = silences.get(ex.pathParam("id"));
            if (s == null) {
                ex.respondError(HttpResponseStatus.NOT_FOUND, "not_found", "silence " + ex.pathParam("id")
                    + " not found", "id");
            } else {
                ex.respondJson(HttpResponseStatus.OK, bytes(Silences.toJson(s, clock.getAsLong())));
            }
        }));
        r.post("/api/v2/silences", ex -> {
            final JsonNode body;
            try {
                body = JSON.readTree(ex.body().toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                ex.respondError(HttpResponseStatus.BAD_REQUEST, "invalid_request", "body is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), null);
                return;
            }
            onEngine(ex, () -> {
                final Silences.Outcome o = silences.upsert(body == null ? JSON.nullNode() : body, clock.getAsLong());
                if (o.id() == null) {
                    ex.respondError(HttpResponseStatus.BAD_REQUEST, "invalid_request", o.reason(), o.field());
                } else {
                    ex.respondJson(HttpResponseStatus.OK, bytes(JSON.createObjectNode().put("silenceID", o.id())));
                }
            });
        });
        r.route(HttpMethod.DELETE, "/api/v2/silence/{id}", ex -> onEngine(ex, () -> {
            if (silences.expire(ex.pathParam("id"), clock.getAsLong())) {
                ex.respondJson(HttpResponseStatus.OK, new byte[0]);
            } else {
                ex.respondError(HttpResponseStatus.NOT_FOUND, "not_found", "silence " + ex.pathParam("id")
                    + " not found", "id");
            }
        }));
        registerIncidents(r);
    }

    private void registerIncidents(Router r) {
        r.get("/api/v2/alerts", ex -> onEngine(ex, () -> {
            final ArrayNode arr = JSON.createArrayNode();
            final long now = clock.getAsLong();
            for (io.metricstream.alert.notify.PostableAlert a : grouper.alerts()) {
                final ObjectNode o = arr.addObject();
                o.set("labels", JSON.valueToTree(a.labels()));
                o.set("annotations", JSON.valueToTree(new TreeMap<>(a.annotations())));
                o.put("startsAt", time(a.startsAtMs()));
                o.put("endsAt", time(a.endsAtMs()));
                o.put("fingerprint", a.fingerprint());
                o.put("generatorURL", a.generatorURL());
                final List<String> by = silences.silencedBy(a.labels(), now);
                final ObjectNode st = o.putObject("status");
                st.put("state", !a.firing() ? "unprocessed" : grouper.muted(a, now) ? "suppressed" : "active");
                by.forEach(st.putArray("silencedBy")::add);
            }
            ex.respondJson(HttpResponseStatus.OK, bytes(arr));
        }));
        r.get("/api/v1/incidents", ex -> onEngine(ex, () -> {
            final ArrayNode arr = JSON.createArrayNode();
            incidents.list().forEach(i -> arr.add(IncidentManager.toJson(i)));
            final ObjectNode o = JSON.createObjectNode().put("status", "success");
            o.putObject("data").set("incidents", arr);
            ex.respondJson(HttpResponseStatus.OK, bytes(o));
        }));
        r.get("/api/v1/incidents/{id}", ex -> onEngine(ex, () -> {
            final Incident i = incidents.get(ex.pathParam("id"));
            if (i == null) {
                ex.respondError(HttpResponseStatus.NOT_FOUND, "not_found", "incident " + ex.pathParam("id")
                    + " not found", "id");
            } else {
                ex.respondJson(HttpResponseStatus.OK, bytes(IncidentManager.toJson(i)));
            }
        }));
        r.post("/api/v1/incidents/{id}/ack", ex -> onEngine(ex, () -> incidentAction(ex,
            incidents.ack(ex.pathParam("id"), clock.getAsLong()))));
        r.post("/api/v1/incidents/{id}/resolve", ex -> onEngine(ex, () -> incidentAction(ex,
            incidents.resolve(ex.pathParam("id"), clock.getAsLong()))));
    }

    private void incidentAction(HttpExchange ex, IncidentManager.Outcome o) {
        if (o.incident() == null) {
            ex.respondError(HttpResponseStatus.NOT_FOUND, "not_found", "incident " + ex.pathParam("id")
                + " not found", "id");
        } else if (o.conflict() != null) {
            ex.respondError(HttpResponseStatus.CONFLICT, "conflict", o.conflict(), "status");
        } else {
            ex.respondJson(HttpResponseStatus.OK, bytes(IncidentManager.toJson(o.incident())));
        }
    }

    private void onEngine(HttpExchange ex, Runnable work) {
        try {
            engine.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    if (!ex.responded()) {
                        ex.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", String.valueOf(e),
                            null);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "not_ready", "alert engine is shutting down",
                null);
        }
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String time(long ms) {
        return ms <= 0 ? "0001-01-01T00:00:00Z" : Instant.ofEpochMilli(ms).toString();
    }

    /** The Prometheus {@code /api/v1/rules} document (engine thread). */
    public ObjectNode rulesDocument(String type) {
        final ObjectNode root = JSON.createObjectNode().put("status", "success");
        final ArrayNode groups = root.putObject("data").putArray("groups");
        for (RuleEngine.GroupRun g : rules.groups()) {
            final ObjectNode go = groups.addObject();
            go.put("name", g.group().name());
            go.put("file", g.group().file());
            final ArrayNode rs = go.putArray("rules");
            for (RuleEngine.RuleRun r : g.rules()) {
                final boolean alerting = r.rule() instanceof AlertingRule;
                if (("alert".equals(type) && !alerting) || ("record".equals(type) && alerting)) {
                    continue;
                }
                final ObjectNode ro = rs.addObject();
                if (r.rule() instanceof AlertingRule ar) {
                    ro.put("state", r.machine().state().apiName());
                    ro.put("name", ar.name());
                    ro.put("query", ar.expr());
                    ro.put("duration", ar.forMs() / 1000.0);
                    ro.put("keepFiringFor", ar.keepFiringForMs() / 1000.0);
                    ro.set("labels", JSON.valueToTree(new TreeMap<>(ar.labels())));
                    final TreeMap<String, String> ann = new TreeMap<>();
                    ar.annotations().forEach((k, t) -> ann.put(k, t.source()));
                    ro.set("annotations", JSON.valueToTree(ann));
                    final ArrayNode alerts = ro.putArray("alerts");
                    for (Alert a : r.machine().alerts()) {
                        if (a.state() != AlertState.INACTIVE) {
                            alerts.add(alertJson(a));
                        }
                    }
                } else {
                    ro.put("name", r.rule().name());
                    ro.put("query", r.rule().expr());
                    ro.set("labels", JSON.valueToTree(new TreeMap<>(r.rule().labels())));
                }
                ro.put("health", r.health());
                ro.put("lastError", r.lastError());
                ro.put("evaluationTime", r.evalSeconds());
                ro.put("lastEvaluation", time(r.lastEvalMs()));
                ro.put("type", alerting ? "alerting" : "recording");
            }
            go.put("interval", g.intervalMs() / 1000.0);
            go.put("limit", g.group().limit());
            go.put("evaluationTime", g.evalSeconds());
            go.put("lastEvaluation", time(g.lastEvalMs()));
        }
        return root;
    }

    private static ObjectNode alertJson(Alert a) {
        final ObjectNode o = JSON.createObjectNode();
        o.set("labels", JSON.valueToTree(a.labels()));
        o.set("annotations", JSON.valueToTree(new TreeMap<>(a.annotations())));
        o.put("state", a.state().apiName());
        o.put("activeAt", time(a.activeAtMs()));
        if (a.keepFiringSinceMs() > 0) {
            o.put("keepFiringSince", time(a.keepFiringSinceMs()));
        }
        o.put("value", GoFormat.e(a.value()));
        return o;
    }

    /** The Prometheus {@code /api/v1/alerts} document (engine thread). */
    public ObjectNode alertsDocument() {
        final ObjectNode root = JSON.createObjectNode().put("status", "success");
        final ArrayNode arr = root.putObject("data").putArray("alerts");
        for (RuleEngine.GroupRun g : rules.groups()) {
            for (RuleEngine.RuleRun r : g.rules()) {
                if (r.machine() == null) {
                    continue;
                }
                for (Alert a : r.machine().alerts()) {
                    if (a.state() != AlertState.INACTIVE) {
                        arr.add(alertJson(a));
                    }
                }
            }
        }
        return root;
    }
}
