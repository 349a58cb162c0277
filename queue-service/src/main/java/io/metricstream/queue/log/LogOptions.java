package io.metricstream.queue.log;

/**
 * Settings of one partition log, resolved from {@code QueueConfig} (tests build them directly). Immutable.
 *
 * @param segmentBytes roll the active segment when the next batch would take it past this size
 * @param segmentMs roll a non-empty active segment this long after its creation
 * @param indexIntervalBytes log bytes between two offset index entries
 * @param indexMaxBytes preallocated size of the active segment's offset index (the time index gets 1.5x)
 * @param retentionBytes delete the oldest closed segments while the log exceeds this size (-1 = off)
 * @param retentionMs delete closed segments last appended to longer ago than this (-1 = off)
 * @param maxBatchBytes largest accepted record batch
 * @param deleteDelayMs delay between removing a segment from the log and closing/deleting its files, so
 *                      in-flight zero-copy fetches finish first
 */
public record LogOptions(int segmentBytes, long segmentMs, int indexIntervalBytes, int indexMaxBytes,
                         long retentionBytes, long retentionMs, int maxBatchBytes, long deleteDelayMs) {

    /** Defaults for tests: 1 MiB segments, 4 KiB index interval, no retention. */
    public static LogOptions defaults() {
        return new LogOptions(1 << 20, Long.MAX_VALUE / 4, 4096, 1 << 16, -1, -1, 1 << 20, 0);
    }

    /** A copy with another segment size. */
    public LogOptions withSegmentBytes(final int bytes) {
        return new LogOptions(bytes, segmentMs, indexIntervalBytes, indexMaxBytes, retentionBytes, retentionMs,
            maxBatchBytes, deleteDelayMs);
    }

    /** A copy with another segment age. */
    public LogOptions withSegmentMs(final long ms) {
        return new LogOptions(segmentBytes, ms, indexIntervalBytes, indexMaxBytes, retentionBytes, retentionMs,
            maxBatchBytes, deleteDelayMs);
    }

    /** A copy with other retention limits. */
    public LogOptions withRetention(final long bytes, final long ms) {
        return new LogOptions(segmentBytes, segmentMs, indexIntervalBytes, indexMaxBytes, bytes, ms,
            maxBatchBytes, deleteDelayMs);
    }

    /** A copy with another index interval. */
    public LogOptions withIndexIntervalBytes(final int bytes) {
        return new LogOptions(segmentBytes, segmentMs, bytes, indexMaxBytes, retentionBytes, retentionMs,
            maxBatchBytes, deleteDelayMs);
    }
}
