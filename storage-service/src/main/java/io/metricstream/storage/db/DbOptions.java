package io.metricstream.storage.db;

import io.metricstream.storage.block.ChunkSegmentDescriptor;
import io.metricstream.storage.head.HeadOptions;

/**
 * Settings of the database. Immutable.
 *
 * @param head head settings (chunk size, block duration, out-of-order window, limits)
 * @param retentionMs keep blocks whose newest sample is within this of the newest sample stored (0 = forever)
 * @param retentionBytes keep at most this many block bytes, deleting the oldest blocks first (0 = unlimited)
 * @param compactionFactor how many blocks of one level merge into the next level
 * @param maxCompactionLevel highest compaction level
 * @param rollupMinSpanMs write 5 m / 1 h rollups only into blocks spanning at least this long (0 = every block)
 * @param maxChunkSegmentBytes largest chunk segment file of a written block (a larger chunk gets one of its own)
 */
public record DbOptions(HeadOptions head, long retentionMs, long retentionBytes, int compactionFactor,
                        int maxCompactionLevel, long rollupMinSpanMs, long maxChunkSegmentBytes) {
    /** Rollups pay off for long ranges over old data: like Thanos, only blocks spanning >= 40 h get them. */
    public static final long DEFAULT_ROLLUP_MIN_SPAN_MS = 40L * 3_600_000L;
    /** Defaults: 15 days, unlimited bytes, factor 3, up to level 4 (2 h, 6 h, 18 h, 54 h), rollups from 40 h. */
    public static final DbOptions DEFAULT = new DbOptions(HeadOptions.DEFAULT, 15L * 86_400_000L, 0, 3, 4,
        DEFAULT_ROLLUP_MIN_SPAN_MS);

    /** Options with chunk segments of the default size (512 MiB). */
    public DbOptions(final HeadOptions head, final long retentionMs, final long retentionBytes,
                     final int compactionFactor, final int maxCompactionLevel, final long rollupMinSpanMs) {
        this(head, retentionMs, retentionBytes, compactionFactor, maxCompactionLevel, rollupMinSpanMs,
            ChunkSegmentDescriptor.DEFAULT_MAX_SEGMENT_BYTES);
    }
}
