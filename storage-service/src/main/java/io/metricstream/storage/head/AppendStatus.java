package io.metricstream.storage.head;

/** Outcome of appending one sample to the head. */
public enum AppendStatus {
    /** Stored. */
    APPENDED,
    /** Same series, timestamp and value bits already stored: dropped idempotently (replays land here). */
    DUPLICATE,
    /** Same series and timestamp with different value bits: rejected, the first write wins. */
    CONFLICT,
    /** Older than the series' newest sample minus the out-of-order window, or not after data of the series
     * already flushed into a block: rejected. */
    TOO_OLD
}
