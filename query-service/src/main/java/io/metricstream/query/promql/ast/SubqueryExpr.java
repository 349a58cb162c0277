package io.metricstream.query.promql.ast;

/**
 * A subquery {@code expr[range:step] offset o @ t}.
 *
 * @param expr the inner instant expression
 * @param rangeMs the window
 * @param stepMs the inner step; 0 = the default resolution
 * @param offsetMs the offset
 * @param at the {@code @} modifier
 * @param pos source offset
 */
public record SubqueryExpr(Expr expr, long rangeMs, long stepMs, long offsetMs, At at, int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
