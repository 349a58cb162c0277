package io.metricstream.queue.log;

/**
 * The retention rule of a partition log, apart from the deleting: whether the oldest closed segment goes,
 * by size ({@code queue.retention_bytes}: while the log would still hold at least that many bytes without it)
 * or by age ({@code queue.retention_ms}: its last append is older than that, by the queue's clock; not by the
 * records' timestamps, which are sample times and may be years old when history is imported). -1 turns a limit off.
 * Stateless; {@link PartitionLog#applyRetention} applies it oldest-first on the writer thread.
 */
public final class Retention {
    /** Why a segment is deleted. */
    public enum Reason {
        /** Keep it. */
        NONE,
        /** The log exceeds its size limit. */
        SIZE,
        /** The segment's last append is too old. */
        AGE
    }

    private Retention() {
    }

    /**
     * Whether the oldest segment ({@code segmentBytes}, last appended to at {@code segmentLastAppendMs}) of a log
     * of {@code logBytes} bytes should be deleted at {@code nowMs}.
     */
    public static Reason check(final LogOptions options, final long logBytes, final int segmentBytes,
                               final long segmentLastAppendMs, final long nowMs) {
        if (options.retentionBytes() >= 0 && logBytes - segmentBytes >= options.retentionBytes()) {
            return Reason.SIZE;
        }
        if (options.retentionMs() >= 0 && nowMs - segmentLastAppendMs > options.retentionMs()) {
            return Reason.AGE;
        }
        return Reason.NONE;
    }
}
