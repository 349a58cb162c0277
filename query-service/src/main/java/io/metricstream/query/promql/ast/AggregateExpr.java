package io.metricstream.query.promql.ast;

import java.util.List;

/**
 * An aggregation {@code op by|without (labels) ([param,] expr)}.
 *
 * @param op the operator
 * @param expr the aggregated vector
 * @param param the parameter of topk, bottomk, quantile and count_values, else null
 * @param grouping the labels of {@code by} / {@code without}
 * @param without whether {@code grouping} lists the labels to drop
 * @param pos source offset
 */
public record AggregateExpr(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without, int pos)
    implements Expr {
    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
