package io.metricstream.query.promql.ast;

import io.metricstream.contracts.storage.LabelMatcher;
import java.util.List;

/**
 * An instant vector selector {@code name{label="v"} offset 5m @ 123}.
 *
 * @param name the metric name when written before the braces, else null
 * @param matchers every matcher (a name written before the braces is included as {@code __name__=})
 * @param offsetMs the offset (negative allowed)
 * @param at the {@code @} modifier
 * @param pos source offset
 */
public record VectorSelector(String name, List<LabelMatcher> matchers, long offsetMs, At at, int pos)
    implements Expr {
    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    /** A copy with another offset. */
    public VectorSelector withOffset(final long newOffsetMs) {
        return new VectorSelector(name, matchers, newOffsetMs, at, pos);
    }

    /** A copy with another {@code @}. */
    public VectorSelector withAt(final At newAt) {
        return new VectorSelector(name, matchers, offsetMs, newAt, pos);
    }
}
