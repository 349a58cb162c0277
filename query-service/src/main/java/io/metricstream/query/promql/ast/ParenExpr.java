package io.metricstream.query.promql.ast;

/**
 * A parenthesized expression.
 *
 * @param expr the inner expression
 * @param pos source offset
 */
public record ParenExpr(Expr expr, int pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
