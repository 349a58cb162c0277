package io.metricstream.contracts.json;

/**
 * Why a body was rejected: where, which field and what was wrong. {@link JsonErrorBody#badData} turns it into the
 * 400 response body.
 *
 * @param index 0-based ordinal of the offending object in the array or stream (for malformed JSON between objects,
 *     of the value that would come next); {@link #NO_INDEX} when the body as a whole is wrong (empty, or content
 *     after the array)
 * @param line 1-based line of the body where the problem was found (for a missing field, the object's closing
 *     brace)
 * @param field JSON path of the offending field, e.g. {@code "value"} or {@code "labels.host"}; {@code null} when
 *     the problem is not one field's (malformed JSON, too many samples)
 * @param reason lower-case {@code "got X; want Y"}
 */
public record ParseError(int index, int line, String field, String reason) {
    /** {@link #index()} of an error about the body as a whole. */
    public static final int NO_INDEX = -1;

    /** One-line message for people and logs: {@code "labels.host: got …; want … (index=3 line=4)"}. */
    public String message() {
        final StringBuilder sb = new StringBuilder(reason.length() + 48);
        if (field != null) {
            sb.append(field).append(": ");
        }
        sb.append(reason).append(" (");
        if (index != NO_INDEX) {
            sb.append("index=").append(index).append(' ');
        }
        return sb.append("line=").append(line).append(')').toString();
    }
}
