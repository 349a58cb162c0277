package io.metricstream.query.promql.ast;

import java.util.Locale;

/** Aggregation operators. */
public enum AggregateOp {
    SUM, AVG, MIN, MAX, COUNT, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, QUANTILE, COUNT_VALUES;

    /** The operator for a (case-insensitive) name, or null. */
    public static AggregateOp of(final String name) {
        for (final AggregateOp op : values()) {
            if (op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }

    /** Whether the operator takes a parameter before the expression. */
    public boolean hasParam() {
        return this == TOPK || this == BOTTOMK || this == QUANTILE || this == COUNT_VALUES;
    }

    /** The PromQL spelling. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
