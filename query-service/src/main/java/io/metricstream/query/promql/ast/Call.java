package io.metricstream.query.promql.ast;

import java.util.List;

/**
 * A function call.
 *
 * @param function the function
 * @param args the arguments
 * @param pos source offset
 */
public record Call(Function function, List<Expr> args, int pos) implements Expr {
    @Override
    public ValueType type() {
        return function.returnType();
    }
}
