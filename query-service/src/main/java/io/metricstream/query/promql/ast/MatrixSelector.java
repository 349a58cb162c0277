package io.metricstream.query.promql.ast;

/**
 * A range vector selector {@code selector[5m]}; offset and {@code @} live on the inner selector.
 *
 * @param selector the series to select
 * @param rangeMs the window
 * @param pos source offset
 */
public record MatrixSelector(VectorSelector selector, long rangeMs, int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
