package io.metricstream.alert.template;

import java.util.Map;

/**
 * What a template sees: {@code $labels} / {@code .Labels}, {@code $value} / {@code .Value} and
 * {@code $externalLabels} / {@code .ExternalLabels}.
 *
 * @param labels         the alert's labels
 * @param value          the sample value that raised the alert
 * @param externalLabels the service's external labels
 */
public record TemplateContext(Map<String, String> labels, double value, Map<String, String> externalLabels) {
}
