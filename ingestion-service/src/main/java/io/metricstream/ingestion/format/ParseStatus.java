package io.metricstream.ingestion.format;

/**
 * Outcome of parsing one whole request body. Bodies arrive aggregated (the runtime bounds them), so there is no
 * NEED_MORE: a body is either complete or wrong, and the parser's {@code error()} then says where and why.
 */
public enum ParseStatus {
    /** Every sample of the body was valid and staged. */
    COMPLETE,
    /** Parsing stopped at the first problem; nothing of the body may be enqueued. */
    ERROR
}
