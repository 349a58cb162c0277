package io.metricstream.queue.log;

/**
 * The retention rule of a partition log, apart from the deleting: whether the oldest closed segment goes,
 * by size ({@code queue.retention_bytes}: while the log would still hold at least that many bytes without it)
 * or by age ({@code queue.retention_ms}: its newest record is older than that). -1 turns a limit off.
 * Stateless; {@link PartitionLog#applyRetention} applies it oldest-first on the writer thread.
 */
public final class Retention {
    /** Why a segment is deleted. */
    public enum Reason {
        /** Keep it. */
        NONE,
        /** The log exceeds its size limit. */
        SIZE,
        /** The segment's newest record is too old. */
        AGE
    }

    private Retention() {
    }

    /**
     * Whether the oldest segment ({@code segmentBytes}, newest record at {@code segmentMaxTimestampMs}) of a log
     * of {@code logBytes} bytes should be deleted at {@code nowMs}.
     */
    public static Reason check(final LogOptions options, final long logBytes, final int segmentBytes,
                               final long segmentMaxTimestampMs, final long nowMs) {
        if (options.retentionBytes() >= 0 && logBytes - segmentBytes >= options.retentionBytes()) {
            return Reason.SIZE;
        }
        if (options.retentionMs() >= 0 && segmentMaxTimestampMs != Long.MIN_VALUE
            && nowMs - segmentMaxTimestampMs > options.retentionMs()) {
            return Reason.AGE;
        }
        return Reason.NONE;
    }
}
