package io.metricstream.storage.db;

import io.metricstream.storage.head.HeadOptions;

/**
 * Settings of the database. Immutable.
 *
 * @param head head settings (chunk size, block duration, out-of-order window, limits)
 * @param retentionMs keep blocks whose newest sample is within this of the newest sample stored (0 = forever)
 * @param retentionBytes keep at most this many block bytes, deleting the oldest blocks first (0 = unlimited)
 * @param compactionFactor how many blocks of one level merge into the next level
 * @param maxCompactionLevel highest compaction level
 */
public record DbOptions(HeadOptions head, long retentionMs, long retentionBytes, int compactionFactor,
                        int maxCompactionLevel) {
    /** Defaults: 15 days, unlimited bytes, factor 3, up to level 4 (2 h, 6 h, 18 h, 54 h). */
    public static final DbOptions DEFAULT = new DbOptions(HeadOptions.DEFAULT, 15L * 86_400_000L, 0, 3, 4);
}
