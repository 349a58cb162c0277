package io.metricstream.alert.incident;

import java.util.List;

/**
 * Who is notified when an incident stays unacknowledged: level {@code i} is notified once the incident is
 * {@code levels[i].afterMs} old and still triggered. Immutable.
 *
 * @param name   the policy name
 * @param levels the levels, in order of {@code afterMs}
 */
public record EscalationPolicy(String name, List<Level> levels) {
    /**
     * One level.
     *
     * @param receiver the receiver notified
     * @param afterMs  incident age at which it is notified
     */
    public record Level(String receiver, long afterMs) {
    }
}
