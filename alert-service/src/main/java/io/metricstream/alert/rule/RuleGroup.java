package io.metricstream.alert.rule;

import java.util.List;

/**
 * A rule group: evaluated every {@code intervalMs} (0 = the service default), rules in file order.
 *
 * @param name       the group name (unique within its file)
 * @param file       the file it was loaded from
 * @param intervalMs the evaluation interval, 0 for the default
 * @param limit      most alerts (or series) one rule may produce, 0 for no limit
 * @param rules      the rules
 */
public record RuleGroup(String name, String file, long intervalMs, int limit, List<Rule> rules) {
    /** The group's identity across reloads: file and name. */
    public String key() {
        return file + ";" + name;
    }
}
