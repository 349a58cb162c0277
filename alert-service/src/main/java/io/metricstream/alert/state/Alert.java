package io.metricstream.alert.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * One alert of one rule. Mutable; owned by the engine thread (never shared: the API and notifier get copies).
 */
public final class Alert {
    final long fingerprint;
    final TreeMap<String, String> labels;
    Map<String, String> annotations;
    AlertState state;
    double value;
    long activeAtMs;
    long firedAtMs;
    long resolvedAtMs;
    long keepFiringSinceMs;
    long directSeenMs;
    boolean resolvedSent;

    Alert(long fingerprint, TreeMap<String, String> labels, Map<String, String> annotations, double value,
          long activeAtMs) {
        this.fingerprint = fingerprint;
        this.labels = labels;
        this.annotations = annotations;
        this.value = value;
        this.activeAtMs = activeAtMs;
        this.state = AlertState.PENDING;
    }

    /** The label-set fingerprint. */
    public long fingerprint() {
        return fingerprint;
    }

    /** The labels (alertname included), sorted. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The rendered annotations. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** The current state. */
    public AlertState state() {
        return state;
    }

    /** The last value. */
    public double value() {
        return value;
    }

    /** When the alert became pending. */
    public long activeAtMs() {
        return activeAtMs;
    }

    /** When it fired (0 if never). */
    public long firedAtMs() {
        return firedAtMs;
    }

    /** When it resolved (0 if not resolved). */
    public long resolvedAtMs() {
        return resolvedAtMs;
    }

    /** When keep_firing_for started holding it (0 when not). */
    public long keepFiringSinceMs() {
        return keepFiringSinceMs;
    }

    /** True once the resolved notification was handed to the notifier. */
    public boolean resolvedSent() {
        return resolvedSent;
    }

    /** Marks the resolved notification as handed over. */
    public void markResolvedSent() {
        resolvedSent = true;
    }
}
