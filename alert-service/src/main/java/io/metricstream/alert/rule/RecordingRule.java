package io.metricstream.alert.rule;

import java.util.Map;

/**
 * A Prometheus recording rule: its result is written back as series {@code record}.
 *
 * @param name   the {@code record} metric name
 * @param expr   the PromQL expression
 * @param labels labels added to every result
 * @param line   line in the file
 */
public record RecordingRule(String name, String expr, Map<String, String> labels, int line) implements Rule {
}
