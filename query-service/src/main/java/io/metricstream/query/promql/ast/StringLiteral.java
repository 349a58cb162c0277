package io.metricstream.query.promql.ast;

/**
 * A string literal (unescaped).
 *
 * @param value the value
 * @param pos source offset
 */
public record StringLiteral(String value, int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.STRING;
    }
}
