package io.metricstream.query.promql.ast;

/**
 * A number literal.
 *
 * @param value the value
 * @param pos source offset
 */
public record NumberLiteral(double value, int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
