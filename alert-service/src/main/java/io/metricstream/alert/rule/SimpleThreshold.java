package io.metricstream.alert.rule;

import java.util.List;
import java.util.Map;

/**
 * An expression of the form {@code metric{matchers} op number} (op one of {@code > < >= <= == !=}), which an
 * arriving sample can be evaluated against directly without a query.
 *
 * @param metric   the metric name
 * @param matchers label matchers besides the name, as (name, op, value) triples
 * @param op       the comparison
 * @param number   the threshold
 */
public record SimpleThreshold(String metric, List<String[]> matchers, String op, double number) {

    /** True when a sample of a series with {@code labels} (name excluded) is selected. */
    public boolean selects(Map<String, String> labels) {
        for (String[] m : matchers) {
            final String v = labels.getOrDefault(m[0], "");
            final boolean ok = switch (m[1]) {
                case "=" -> v.equals(m[2]);
                case "!=" -> !v.equals(m[2]);
                case "=~" -> v.matches(m[2]);
                default -> !v.matches(m[2]);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code value} breaches (the comparison holds, PromQL filter semantics). */
    public boolean breaches(double value) {
        return switch (op) {
            case ">" -> value > number;
            case "<" -> value < number;
            case ">=" -> value >= number;
            case "<=" -> value <= number;
            case "==" -> value == number;
            default -> value != number;
        };
    }
}
