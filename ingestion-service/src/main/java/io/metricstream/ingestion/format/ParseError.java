package io.metricstream.ingestion.format;

/**
 * Why a body was rejected, as the 400 body reports it.
 *
 * @param index 0-based ordinal of the offending item: the line (Influx), the time series (remote write), the
 *     object (JSON); -1 when the body as a whole is wrong
 * @param line 1-based line of the body (text formats), -1 for binary formats
 * @param field the offending field, e.g. {@code "tag host"}, {@code "timeseries[3].labels[0].name"}; null when
 *     the problem is not one field's
 * @param reason lower-case, {@code "got X; want Y"}
 */
public record ParseError(int index, int line, String field, String reason) {
    /** {@link #index()} and {@link #line()} of an error about the body as a whole. */
    public static final int NONE = -1;

    /** One-line message: {@code "field: reason (index=3 line=4)"}. */
    public String message() {
        final StringBuilder sb = new StringBuilder(reason.length() + 48);
        if (field != null) {
            sb.append(field).append(": ");
        }
        sb.append(reason);
        if (index != NONE || line != NONE) {
            sb.append(" (");
            if (index != NONE) {
                sb.append("index=").append(index);
            }
            if (line != NONE) {
                sb.append(index != NONE ? " " : "").append("line=").append(line);
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
