package io.metricstream.queue.flush;

import java.util.Locale;

/**
 * When a produce is acknowledged relative to fsync ({@code queue.fsync_policy}). The high watermark (what
 * fetches see) follows the same point, so consumers never read bytes a crash could take back.
 */
public enum FsyncPolicy {
    /** Fsync after every batch, then ack: one fsync per produce on the partition's writer thread. */
    EVERY_BATCH,
    /**
     * Fsync at most every {@code queue.group_commit_ms} on a flush thread, covering every batch written so far,
     * then ack all of them: the same guarantee as EVERY_BATCH (an ack means on disk) at one fsync per interval.
     */
    GROUP_COMMIT,
    /** Ack after the write to the page cache: survives a process crash, not a power loss. */
    OS;

    /** The policy for a config value ({@code every_batch}, {@code group_commit}, {@code os}). */
    public static FsyncPolicy of(final String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The config value. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
