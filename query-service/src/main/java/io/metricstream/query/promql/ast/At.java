package io.metricstream.query.promql.ast;

/**
 * The {@code @} modifier: none, a fixed time, or the query's {@code start()} / {@code end()}.
 *
 * @param kind which form
 * @param timeMs the fixed time for {@link Kind#TIME}
 */
public record At(Kind kind, long timeMs) {
    /** No {@code @} modifier. */
    public static final At NONE = new At(Kind.NONE, 0);

    /** The forms of the modifier. */
    public enum Kind {
        NONE, TIME, START, END
    }

    /** Whether a modifier is present. */
    public boolean present() {
        return kind != Kind.NONE;
    }

    /** The pinned evaluation time given the query's start and end, or {@code stepTimeMs} when absent. */
    public long resolve(final long stepTimeMs, final long startMs, final long endMs) {
        return switch (kind) {
            case NONE -> stepTimeMs;
            case TIME -> timeMs;
            case START -> startMs;
            case END -> endMs;
        };
    }
}
