package io.metricstream.alert.notify;

import io.metricstream.alert.incident.EscalationPolicy;
import java.util.List;
import java.util.Map;

/**
 * A loaded Alertmanager routing file: the route tree, receivers by name, inhibit rules, escalation policies, and
 * the warnings (unsupported receiver types and keys, each {@code file:line: path: reason}) or the problems that
 * make it invalid. Immutable.
 *
 * @param root        the root route
 * @param receivers   receiver name → its integrations
 * @param inhibitRules inhibit rules
 * @param policies    escalation policies by name
 * @param warnings    things skipped
 * @param problems    errors; the config is unusable when non-empty
 */
public record RoutingConfig(Route root, Map<String, List<Receiver>> receivers, List<InhibitRule> inhibitRules,
                            Map<String, EscalationPolicy> policies, List<String> warnings, List<String> problems) {
    /** Default group_wait, group_interval and repeat_interval (Alertmanager's). */
    public static final long DEFAULT_GROUP_WAIT_MS = 30_000;
    /** Alertmanager's default group_interval. */
    public static final long DEFAULT_GROUP_INTERVAL_MS = 300_000;
    /** Alertmanager's default repeat_interval. */
    public static final long DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000L;

    /** True when usable. */
    public boolean valid() {
        return problems.isEmpty();
    }

    /** A config that routes everything to one receiver with no integrations (used when no routing file is set). */
    public static RoutingConfig empty() {
        final Route root = new Route("{}", "null", List.of(), false, DEFAULT_GROUP_WAIT_MS, DEFAULT_GROUP_INTERVAL_MS,
            DEFAULT_REPEAT_INTERVAL_MS, List.of(), false, "", List.of());
        return new RoutingConfig(root, Map.of("null", List.of()), List.of(), Map.of(), List.of(), List.of());
    }
}
