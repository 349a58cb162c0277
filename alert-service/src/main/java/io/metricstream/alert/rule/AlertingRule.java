package io.metricstream.alert.rule;

import io.metricstream.alert.template.Template;
import java.util.Map;

/**
 * A Prometheus alerting rule.
 *
 * @param name            the {@code alert} name
 * @param expr            the PromQL expression
 * @param forMs           how long a result must persist before the alert fires
 * @param keepFiringForMs how long the alert keeps firing after the result disappears
 * @param labels          label values as written (templates unexpanded)
 * @param labelTemplates  the same labels parsed as templates
 * @param annotations     annotation templates by name
 * @param line            line in the file
 * @param threshold       the expression as a simple threshold ({@code selector op number}), or null
 */
public record AlertingRule(String name, String expr, long forMs, long keepFiringForMs, Map<String, String> labels,
                           Map<String, Template> labelTemplates, Map<String, Template> annotations, int line,
                           SimpleThreshold threshold) implements Rule {
}
