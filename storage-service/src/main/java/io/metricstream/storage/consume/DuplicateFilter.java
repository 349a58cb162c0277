package io.metricstream.storage.consume;

/**
 * Offset-level duplicate filter: a fetch may answer a batch that starts before the requested offset (the queue
 * returns whole batches), and a replay after a restart re-delivers records already in the head checkpoint; records
 * below the partition's applied offset are skipped here. Records at or above it that were already stored (a crash
 * after a block flush but before the next checkpoint) are dropped by the head as (series, timestamp) duplicates.
 * Stateless.
 */
public final class DuplicateFilter {
    private DuplicateFilter() {
    }

    /** Whether the record at {@code offset} was already applied when the partition's next offset is {@code next}. */
    public static boolean alreadyApplied(final long offset, final long next) {
        return offset < next;
    }
}
