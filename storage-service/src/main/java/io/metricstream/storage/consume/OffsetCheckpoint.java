package io.metricstream.storage.consume;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-partition offsets of the ingest loop: {@code applied} = the next offset whose records are not yet in the head
 * (advances as records are applied), {@code durable} = the applied offsets captured by the last head checkpoint
 * (safe to commit). Offsets are committed to the queue ONLY from {@code durable}, so a committed offset never
 * covers data that is not on disk. Not thread-safe; ingest thread only.
 */
public final class OffsetCheckpoint {
    private final Map<Integer, Long> applied = new HashMap<>();
    private final Map<Integer, Long> durable = new HashMap<>();
    private final Map<Integer, Long> committed = new HashMap<>();

    /** Starts from the offsets a recovered checkpoint covered. */
    public OffsetCheckpoint(final Map<Integer, Long> recovered) {
        applied.putAll(recovered);
        durable.putAll(recovered);
    }

    /** Next offset to apply for {@code partition}, or -1 when unknown. */
    public long applied(final int partition) {
        return applied.getOrDefault(partition, -1L);
    }

    /** Records that every offset before {@code next} of {@code partition} is in the head. */
    public void advance(final int partition, final long next) {
        applied.put(partition, next);
    }

    /** A copy of the applied offsets, for a checkpoint. */
    public Map<Integer, Long> snapshot() {
        return new TreeMap<>(applied);
    }

    /** Marks {@code snapshot} as durable (its checkpoint was fsynced). */
    public void markDurable(final Map<Integer, Long> snapshot) {
        durable.putAll(snapshot);
    }

    /** Durable offset of {@code partition} not yet committed, or -1. */
    public long toCommit(final int partition) {
        final Long d = durable.get(partition);
        if (d == null || d.equals(committed.get(partition))) {
            return -1;
        }
        return d;
    }

    /** Records a successful commit. */
    public void committed(final int partition, final long offset) {
        committed.put(partition, offset);
    }
}
