package io.metricstream.alert.state;

import java.util.Map;

/**
 * One element of an instant vector: a series' labels and its value.
 *
 * @param labels the labels, {@code __name__} included when the expression kept it
 * @param value  the value
 */
public record ResultSeries(Map<String, String> labels, double value) {
}
