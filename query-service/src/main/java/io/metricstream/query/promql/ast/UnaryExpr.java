package io.metricstream.query.promql.ast;

/**
 * Unary plus or minus.
 *
 * @param negate true for {@code -}
 * @param expr the operand
 * @param pos source offset
 */
public record UnaryExpr(boolean negate, Expr expr, int pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
