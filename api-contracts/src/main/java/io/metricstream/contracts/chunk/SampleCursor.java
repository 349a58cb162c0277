package io.metricstream.contracts.chunk;

/**
 * Forward cursor over samples in timestamp order (chunks, blocks, head, merged results). Call {@link #next()} or
 * {@link #seek(long)} before reading {@link #timestampMs()} / {@link #value()}. Corruption surfaces as a
 * {@link ChunkCorruptException} carrying the file and byte offset.
 */
public interface SampleCursor {
    /** Advances to the next sample; false when exhausted. */
    boolean next();

    /** Advances to the first sample with timestamp >= {@code tsMs} (never backwards); false when none. */
    boolean seek(long tsMs);

    /** Timestamp of the current sample. */
    long timestampMs();

    /** Value of the current sample (raw bits preserved). */
    double value();
}
