package io.metricstream.storage.consume;

/**
 * Offset-level duplicate filter: a fetch may answer a batch that starts before the requested offset (the queue
 * returns whole batches), and a replay after a restart re-delivers records already in the head checkpoint; records
 * below the partition's applied offset are skipped here. Records at or above it that are already in the restored
 * head are dropped by the head as (series, timestamp) duplicates; those a block flush stored after the checkpoint
 * (a crash between the two) are stored again in the head, which does not know that block, and reads and compaction
 * keep one copy of each (series, timestamp), the older source's (CrashReplayTest). Stateless.
 */
public final class DuplicateFilter {
    private DuplicateFilter() {
    }

    /** Whether the record at {@code offset} was already applied when the partition's next offset is {@code next}. */
    public static boolean alreadyApplied(final long offset, final long next) {
        return offset < next;
    }
}
