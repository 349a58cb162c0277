package io.metricstream.alert.incident;

import java.util.Map;

/** One incident of one alert group. Mutable; owned by the engine thread. */
public final class Incident {
    /** Incident states. */
    public enum Status { TRIGGERED, ACKNOWLEDGED, RESOLVED }

    final String id;
    final String groupKey;
    final String receiver;
    final String policy;
    final String title;
    final Map<String, String> labels;
    final long createdAtMs;
    final Timeline timeline = new Timeline();
    Status status = Status.TRIGGERED;
    long acknowledgedAtMs;
    long resolvedAtMs;
    int nextLevel;
    int firing;

    Incident(String id, String groupKey, String receiver, String policy, String title, Map<String, String> labels,
             long createdAtMs) {
        this.id = id;
        this.groupKey = groupKey;
        this.receiver = receiver;
        this.policy = policy;
        this.title = title;
        this.labels = Map.copyOf(labels);
        this.createdAtMs = createdAtMs;
    }

    /** The id. */
    public String id() {
        return id;
    }

    /** The alert group's key. */
    public String groupKey() {
        return groupKey;
    }

    /** The receiver of the group's route. */
    public String receiver() {
        return receiver;
    }

    /** The escalation policy name, or "". */
    public String policy() {
        return policy;
    }

    /** A one-line title. */
    public String title() {
        return title;
    }

    /** The group's common labels when it triggered. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The status. */
    public Status status() {
        return status;
    }

    /** Creation time. */
    public long createdAtMs() {
        return createdAtMs;
    }

    /** Acknowledgement time, 0 if none. */
    public long acknowledgedAtMs() {
        return acknowledgedAtMs;
    }

    /** Resolution time, 0 if open. */
    public long resolvedAtMs() {
        return resolvedAtMs;
    }

    /** The next escalation level to notify. */
    public int nextLevel() {
        return nextLevel;
    }

    /** Firing alerts at the last flush. */
    public int firing() {
        return firing;
    }

    /** The timeline. */
    public Timeline timeline() {
        return timeline;
    }
}
