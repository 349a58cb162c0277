package io.metricstream.alert.notify;

import java.util.Collection;
import java.util.List;

/** Applies every inhibit rule. Immutable. */
public final class Inhibitor {
    private final List<InhibitRule> rules;

    /** An inhibitor with {@code rules}. */
    public Inhibitor(List<InhibitRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** True when some rule mutes {@code alert} given the {@code current} alerts. */
    public boolean inhibited(PostableAlert alert, Collection<PostableAlert> current) {
        for (InhibitRule r : rules) {
            if (r.inhibits(alert, current)) {
                return true;
            }
        }
        return false;
    }
}
