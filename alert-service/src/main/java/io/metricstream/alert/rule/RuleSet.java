package io.metricstream.alert.rule;

import java.util.List;

/**
 * The outcome of loading rule files: the groups, or the problems that make the set invalid (each
 * {@code file:line: path: reason}). A set with problems must not replace a valid one.
 *
 * @param groups   every group, files in glob order
 * @param files    the files read
 * @param problems problems; empty when valid
 */
public record RuleSet(List<RuleGroup> groups, List<String> files, List<String> problems) {
    /** True when the set has no problems. */
    public boolean valid() {
        return problems.isEmpty();
    }
}
