package io.metricstream.query.eval;

/** A query that cannot complete: bad data, an execution error (limits, many-to-many, ...) or a timeout. */
public final class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Prometheus's error types. */
    public enum Type {
        BAD_DATA("bad_data", 400), EXECUTION("execution", 422), TIMEOUT("timeout", 503),
        UNAVAILABLE("unavailable", 503), INTERNAL("internal", 500);

        private final String text;
        private final int httpStatus;

        Type(final String text, final int httpStatus) {
            this.text = text;
            this.httpStatus = httpStatus;
        }

        /** The {@code errorType} string. */
        public String text() {
            return text;
        }

        /** The HTTP status Prometheus answers with. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Type type;

    /** An error of {@code type}. */
    public QueryException(final Type type, final String message) {
        super(message);
        this.type = type;
    }

    /** An execution error. */
    public static QueryException execution(final String message) {
        return new QueryException(Type.EXECUTION, message);
    }

    /** The error type. */
    public Type type() {
        return type;
    }
}
