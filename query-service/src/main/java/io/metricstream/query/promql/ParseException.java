package io.metricstream.query.promql;

/**
 * A PromQL syntax or type error at a position; the message reads like Prometheus's:
 * {@code 1:14: parse error: unexpected end of input}.
 */
public final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final int line;
    private final int column;
    private final String reason;

    /** An error at 0-based offset {@code position} of {@code query}. */
    public ParseException(final String query, final int position, final String reason) {
        super(format(query, position, reason));
        this.position = position;
        int l = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(position, query.length()); i++) {
            if (query.charAt(i) == '\n') {
                l++;
                lineStart = i + 1;
            }
        }
        this.line = l;
        this.column = position - lineStart + 1;
        this.reason = reason;
    }

    private static String format(final String query, final int position, final String reason) {
        int l = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(position, query.length()); i++) {
            if (query.charAt(i) == '\n') {
                l++;
                lineStart = i + 1;
            }
        }
        return l + ":" + (position - lineStart + 1) + ": parse error: " + reason;
    }

    /** 0-based character offset of the error. */
    public int position() {
        return position;
    }

    /** 1-based line. */
    public int line() {
        return line;
    }

    /** 1-based column. */
    public int column() {
        return column;
    }

    /** The reason without the position prefix. */
    public String reason() {
        return reason;
    }
}
