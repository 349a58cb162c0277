package io.metricstream.alert.notify;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Alertmanager inhibit rule: a firing alert matching {@code source} mutes alerts matching {@code target} that
 * have equal values for every label in {@code equal} (an alert never inhibits itself). Immutable.
 *
 * @param source source matchers
 * @param target target matchers
 * @param equal  labels that must be equal
 */
public record InhibitRule(List<Matcher> source, List<Matcher> target, List<String> equal) {
    /** True when {@code alert} is muted by one of {@code firing}. */
    public boolean inhibits(PostableAlert alert, Collection<PostableAlert> firing) {
        if (!Matcher.all(target, alert.labels())) {
            return false;
        }
        for (PostableAlert s : firing) {
            if (!s.firing() || s.fingerprint().equals(alert.fingerprint()) || !Matcher.all(source, s.labels())) {
                continue;
            }
            if (equalOn(s.labels(), alert.labels())) {
                return true;
            }
        }
        return false;
    }

    private boolean equalOn(Map<String, String> a, Map<String, String> b) {
        for (String n : equal) {
            if (!Objects.equals(a.getOrDefault(n, ""), b.getOrDefault(n, ""))) {
                return false;
            }
        }
        return true;
    }
}
