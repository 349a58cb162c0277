package io.metricstream.query.promql.ast;

/** Binary operators with their precedence (higher binds tighter); only {@code ^} is right-associative. */
public enum BinaryOp {
    OR("or", 1), AND("and", 2), UNLESS("unless", 2),
    EQL("==", 3), NEQ("!=", 3), LTE("<=", 3), LSS("<", 3), GTE(">=", 3), GTR(">", 3),
    ADD("+", 4), SUB("-", 4),
    MUL("*", 5), DIV("/", 5), MOD("%", 5), ATAN2("atan2", 5),
    POW("^", 6);

    private final String text;
    private final int precedence;

    BinaryOp(final String text, final int precedence) {
        this.text = text;
        this.precedence = precedence;
    }

    /** The PromQL spelling. */
    public String text() {
        return text;
    }

    /** Precedence; higher binds tighter. */
    public int precedence() {
        return precedence;
    }

    /** Whether this is a comparison operator. */
    public boolean isComparison() {
        return precedence == 3;
    }

    /** Whether this is a set operator (and, or, unless). */
    public boolean isSetOperator() {
        return this == OR || this == AND || this == UNLESS;
    }

    /** Whether the operator is right-associative. */
    public boolean rightAssociative() {
        return this == POW;
    }
}
