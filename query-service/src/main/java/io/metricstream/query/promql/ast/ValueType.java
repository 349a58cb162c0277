package io.metricstream.query.promql.ast;

/** The four PromQL value types, named as Prometheus's messages name them. */
public enum ValueType {
    SCALAR("scalar"), VECTOR("instant vector"), MATRIX("range vector"), STRING("string");

    private final String description;

    ValueType(final String description) {
        this.description = description;
    }

    /** "scalar", "instant vector", "range vector" or "string". */
    public String description() {
        return description;
    }

    /** The name the HTTP API uses for results of this type. */
    public String resultType() {
        return switch (this) {
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }
}
