package io.metricstream.query.promql.ast;

/**
 * A binary operation.
 *
 * @param op the operator
 * @param lhs left operand
 * @param rhs right operand
 * @param matching vector matching (set when both sides are vectors, else null)
 * @param returnBool whether a comparison has the {@code bool} modifier
 * @param pos source offset
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, int pos)
    implements Expr {
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR
            : ValueType.VECTOR;
    }
}
