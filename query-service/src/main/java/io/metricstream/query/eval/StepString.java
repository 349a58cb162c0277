package io.metricstream.query.eval;

/**
 * A string (the same at every step).
 *
 * @param value the string
 */
public record StepString(String value) implements StepValue {
}
