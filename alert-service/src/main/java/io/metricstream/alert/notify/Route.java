package io.metricstream.alert.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of the routing tree, settings already inherited from its parent. Immutable after loading.
 *
 * @param key              Alertmanager's route key ({@code {}/{env="prod"}}), the prefix of group keys
 * @param receiver         the receiver name
 * @param groupBy          label names to group by
 * @param groupByAll       true for {@code group_by: ['...']} (every label)
 * @param groupWaitMs      wait before the first notification of a new group
 * @param groupIntervalMs  wait between notifications of a group
 * @param repeatIntervalMs wait before re-sending an unchanged notification
 * @param matchers         matchers (legacy match/match_re converted)
 * @param continueMatching keep matching siblings after this route matched
 * @param escalationPolicy the {@code metricstream_escalation_policy} name, or ""
 * @param routes           child routes
 */
public record Route(String key, String receiver, List<String> groupBy, boolean groupByAll, long groupWaitMs,
                    long groupIntervalMs, long repeatIntervalMs, List<Matcher> matchers, boolean continueMatching,
                    String escalationPolicy, List<Route> routes) {

    /** The routes {@code labels} go to, Alertmanager's depth-first {@code Route.Match}. */
    public List<Route> match(Map<String, String> labels) {
        if (!Matcher.all(matchers, labels)) {
            return List.of();
        }
        final List<Route> all = new ArrayList<>();
        for (Route child : routes) {
            final List<Route> m = child.match(labels);
            all.addAll(m);
            if (!m.isEmpty() && !child.continueMatching) {
                break;
            }
        }
        if (all.isEmpty()) {
            all.add(this);
        }
        return all;
    }

    /** The group labels of {@code labels} under this route, as {@code {a="1", b="2"}} ordered by name. */
    public Map<String, String> groupLabels(Map<String, String> labels) {
        final java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        if (groupByAll) {
            out.putAll(labels);
        } else {
            for (String n : groupBy) {
                final String v = labels.get(n);
                if (v != null && !v.isEmpty()) {
                    out.put(n, v);
                }
            }
        }
        return out;
    }
}
