package io.metricstream.alert.notify;

import java.util.Map;

/**
 * An alert as handed to the notifier (Alertmanager's postable alert): immutable snapshot.
 *
 * @param fingerprint  16 hex digits of the label-set fingerprint
 * @param labels       labels, sorted
 * @param annotations  annotations
 * @param startsAtMs   when it started firing (or became active)
 * @param endsAtMs     when it resolved; 0 while firing
 * @param generatorURL link to the rule's expression
 */
public record PostableAlert(String fingerprint, Map<String, String> labels, Map<String, String> annotations,
                            long startsAtMs, long endsAtMs, String generatorURL) {
    /** True while firing. */
    public boolean firing() {
        return endsAtMs == 0;
    }

    /** "firing" or "resolved". */
    public String status() {
        return firing() ? "firing" : "resolved";
    }
}
