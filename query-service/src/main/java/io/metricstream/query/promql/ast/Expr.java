package io.metricstream.query.promql.ast;

/** A PromQL expression node. Immutable. */
public sealed interface Expr permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
    Call, AggregateExpr, BinaryExpr, UnaryExpr, ParenExpr {
    /** The value type the expression yields. */
    ValueType type();

    /** 0-based offset of the expression's first character in the query. */
    int pos();
}
