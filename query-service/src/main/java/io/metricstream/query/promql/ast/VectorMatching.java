package io.metricstream.query.promql.ast;

import java.util.List;

/**
 * How a binary operation between two vectors pairs series.
 *
 * @param card the cardinality
 * @param labels the labels of {@code on(...)} / {@code ignoring(...)}
 * @param on whether {@code labels} are the matching labels ({@code on}) or the ignored ones
 * @param include the extra labels of {@code group_left(...)} / {@code group_right(...)}
 */
public record VectorMatching(Card card, List<String> labels, boolean on, List<String> include) {
    /** Matching cardinalities. */
    public enum Card {
        ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY
    }
}
