package io.metricstream.alert.rule;

import java.util.Map;

/** An alerting or a recording rule. Immutable. */
public sealed interface Rule permits AlertingRule, RecordingRule {
    /** The alert name or the recorded metric name. */
    String name();

    /** The PromQL expression. */
    String expr();

    /** Labels added to (or overriding those of) every result. */
    Map<String, String> labels();

    /** The rule's line in its file. */
    int line();

    /** The metric names the expression selects (for data-driven evaluation). */
    default java.util.Set<String> metricNames() {
        return ExprChecks.metricNames(expr());
    }
}
