package io.metricstream.contracts.json;

/** Outcome of {@link SeedJsonCodec#parse}: the whole body was read, or {@link SeedJsonCodec#error()} says why not. */
public enum ParseStatus {
    /** Every object of the body was valid and reported to the sink. */
    COMPLETE,
    /** Parsing stopped at the first problem; {@link SeedJsonCodec#error()} describes it. */
    ERROR
}
