package io.metricstream.queue.log;

/** Outcome of validating and appending one produced batch (IO failures are exceptions). */
public enum AppendStatus {
    /** Appended. */
    OK,
    /** The bytes are not exactly one valid record batch (structure, CRC, trailing bytes). */
    CORRUPT,
    /** The batch is larger than {@code queue.max_batch_bytes}. */
    TOO_LARGE
}
