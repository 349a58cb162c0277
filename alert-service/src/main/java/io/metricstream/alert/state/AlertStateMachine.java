package io.metricstream.alert.state;

import io.metricstream.alert.rule.AlertingRule;
import io.metricstream.alert.template.Template;
import io.metricstream.alert.template.TemplateContext;
import io.metricstream.contracts.model.MetricNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alerts of one alerting rule and their transitions, as Prometheus's {@code AlertingRule.Eval}:
 * <pre>
 *   result appears          → PENDING (activeAt = now)
 *   PENDING for ≥ for       → FIRING  (firedAt = now; for: 0s fires in the same evaluation)
 *   PENDING, result gone    → deleted
 *   FIRING, result gone     → kept FIRING for keep_firing_for, then INACTIVE (resolvedAt = now)
 *   resolved, result back   → a new PENDING alert
 *   resolved for 15 min     → deleted
 * </pre>
 * A direct observation (an arriving sample of a simple threshold rule, see {@link #observe}) adds or refreshes one
 * alert without resolving the others, and counts as present in full evaluations for {@code directGraceMs}.
 * Not thread-safe: owned by the engine thread.
 */
public final class AlertStateMachine {
    /** How long resolved alerts are kept (to be re-sent as resolved), as Prometheus's resolvedRetention. */
    public static final long RESOLVED_RETENTION_MS = 15 * 60_000L;

    private final AlertingRule rule;
    private final Map<String, String> externalLabels;
    private final LinkedHashMap<Long, Alert> active = new LinkedHashMap<>();

    /** A machine for {@code rule}. */
    public AlertStateMachine(AlertingRule rule, Map<String, String> externalLabels) {
        this.rule = rule;
        this.externalLabels = externalLabels;
    }

    /** The rule. */
    public AlertingRule rule() {
        return rule;
    }

    /** The current alerts (pending, firing and recently resolved), live view for the engine thread. */
    public Iterable<Alert> alerts() {
        return active.values();
    }

    /** The number of alerts held. */
    public int size() {
        return active.size();
    }

    /** The most severe state among the alerts (FIRING over PENDING over INACTIVE). */
    public AlertState state() {
        AlertState s = AlertState.INACTIVE;
        for (Alert a : active.values()) {
            if (a.state == AlertState.FIRING) {
                return AlertState.FIRING;
            }
            if (a.state == AlertState.PENDING) {
                s = AlertState.PENDING;
            }
        }
        return s;
    }

    /**
     * Applies a full evaluation result at {@code nowMs}.
     *
     * @param limit most pending+firing alerts allowed (0 = none); above it every alert is dropped
     * @param directGraceMs how long a direct observation stands in for a missing query result
     * @return null, or an error (duplicate label sets, limit exceeded)
     */
    public String evaluate(List<ResultSeries> results, long nowMs, int limit, long directGraceMs) {
        final Set<Long> seen = new HashSet<>();
        for (ResultSeries r : results) {
            final Alert a = upsert(r, nowMs);
            if (!seen.add(a.fingerprint)) {
                return "vector contains metrics with the same labelset after applying alert labels";
            }
        }
        final List<Long> delete = new ArrayList<>();
        for (Alert a : active.values()) {
            final boolean direct = a.directSeenMs > 0 && nowMs - a.directSeenMs < directGraceMs;
            if (!seen.contains(a.fingerprint) && !direct) {
                absent(a, nowMs, delete);
            } else {
                advance(a, nowMs);
            }
        }
        delete.forEach(active::remove);
        if (limit > 0) {
            int n = 0;
            for (Alert a : active.values()) {
                if (a.state != AlertState.INACTIVE) {
                    n++;
                }
            }
            if (n > limit) {
                active.clear();
                return "exceeded limit of " + limit + " with " + n + " alerts";
            }
        }
        return null;
    }

    /**
     * Applies one arriving sample of a simple threshold rule: a breach adds or refreshes the alert (and fires it
     * once {@code for} has passed); a non-breaching sample withdraws the direct observation.
     *
     * @return the alert touched, or null
     */
    public Alert observe(ResultSeries sample, boolean breaching, long nowMs) {
        if (!breaching) {
            final Alert a = active.get(Fingerprints.of(alertLabels(sample)));
            if (a != null) {
                a.directSeenMs = 0;
            }
            return null;
        }
        final Alert a = upsert(sample, nowMs);
        a.directSeenMs = nowMs;
        advance(a, nowMs);
        return a;
    }

    private void absent(Alert a, long nowMs, List<Long> delete) {
        a.directSeenMs = 0;
        if (a.state == AlertState.PENDING
            || (a.resolvedAtMs > 0 && nowMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) {
            delete.add(a.fingerprint);
            return;
        }
        if (a.state == AlertState.FIRING) {
            if (rule.keepFiringForMs() > 0 && a.keepFiringSinceMs == 0) {
                a.keepFiringSinceMs = nowMs;
            }
            if (rule.keepFiringForMs() == 0 || nowMs - a.keepFiringSinceMs >= rule.keepFiringForMs()) {
                a.state = AlertState.INACTIVE;
                a.resolvedAtMs = nowMs;
                a.resolvedSent = false;
            }
        }
    }

    private void advance(Alert a, long nowMs) {
        if (a.state == AlertState.PENDING && nowMs - a.activeAtMs >= rule.forMs()) {
            a.state = AlertState.FIRING;
            a.firedAtMs = nowMs;
        }
    }

    private Alert upsert(ResultSeries r, long nowMs) {
        final TreeMap<String, String> labels = alertLabels(r);
        final long fp = Fingerprints.of(labels);
        final Map<String, String> annotations = Template.renderAll(rule.annotations(),
            new TemplateContext(r.labels(), r.value(), externalLabels));
        final Alert existing = active.get(fp);
        if (existing != null && existing.state != AlertState.INACTIVE) {
            existing.value = r.value();
            existing.annotations = annotations;
            existing.keepFiringSinceMs = 0;
            return existing;
        }
        final Alert a = new Alert(fp, labels, annotations, r.value(), nowMs);
        active.put(fp, a);
        return a;
    }

    private TreeMap<String, String> alertLabels(ResultSeries r) {
        final TreeMap<String, String> labels = new TreeMap<>(r.labels());
        labels.remove(MetricNames.METRIC_NAME_LABEL);
        final TemplateContext ctx = new TemplateContext(r.labels(), r.value(), externalLabels);
        rule.labelTemplates().forEach((k, t) -> {
            final String v = t.render(ctx);
            if (v.isEmpty()) {
                labels.remove(k);
            } else {
                labels.put(k, v);
            }
        });
        labels.put("alertname", rule.name());
        return labels;
    }

    /** Takes over the alerts of {@code old} (the same rule before a reload), as Prometheus does. */
    public void copyFrom(AlertStateMachine old) {
        active.putAll(old.active);
    }

    /** Restores one persisted alert (engine start). */
    public void restore(Map<String, String> labels, Map<String, String> annotations, AlertState state, double value,
                        long activeAtMs, long firedAtMs, long resolvedAtMs, long keepFiringSinceMs,
                        boolean resolvedSent) {
        final TreeMap<String, String> l = new TreeMap<>(labels);
        final Alert a = new Alert(Fingerprints.of(l), l, Map.copyOf(annotations), value, activeAtMs);
        a.state = state;
        a.firedAtMs = firedAtMs;
        a.resolvedAtMs = resolvedAtMs;
        a.keepFiringSinceMs = keepFiringSinceMs;
        a.resolvedSent = resolvedSent;
        active.put(a.fingerprint, a);
    }
}
