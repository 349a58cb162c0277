package io.metricstream.queue.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Time index of one segment (layout: docs/format/time-index.md). Entry i, 12 bytes, big-endian:
 * {@code int64 maxTimestampMs, int32 relativeOffset} — the largest record timestamp in the segment up to and
 * including the batch with base offset {@code baseOffset + relativeOffset}. Timestamps are strictly increasing.
 * Every batch at or after the first batch with a timestamp {@code >= t} lies at or after the entry found by
 * {@link #lookup}; the last entry (written on roll) holds the segment's largest timestamp.
 *
 * <p>Same threading and crash policy as {@link OffsetIndex}.
 */
public final class TimeIndex extends IndexFile {
    /** Bytes per entry. */
    public static final int ENTRY_BYTES = 12;

    private TimeIndex(Path path, long baseOffset, int maxBytes, boolean fresh) throws IOException {
        super(path, baseOffset, ENTRY_BYTES, maxBytes, fresh);
    }

    /** A new, empty, preallocated index (any existing file is truncated). */
    public static TimeIndex create(final Path path, final long baseOffset, final int maxBytes) throws IOException {
        return new TimeIndex(path, baseOffset, maxBytes, true);
    }

    /** Opens an existing index of a closed segment; {@code null} when missing or invalid. */
    public static TimeIndex openValid(final Path path, final long baseOffset, final long nextOffset)
        throws IOException {
        if (!java.nio.file.Files.exists(path) || java.nio.file.Files.size(path) % ENTRY_BYTES != 0) {
            return null;
        }
        final TimeIndex index = new TimeIndex(path, baseOffset, 0, false);
        long prevTs = Long.MIN_VALUE;
        int prevRel = -1;
        for (int i = 0; i < index.entries(); i++) {
            final long ts = index.timestampMs(i);
            final int rel = index.relativeOffset(i);
            if (ts <= prevTs || rel < prevRel || baseOffset + rel >= nextOffset) {
                index.close();
                return null;
            }
            prevTs = ts;
            prevRel = rel;
        }
        return index;
    }

    /** Adds an entry when {@code maxTimestampMs} exceeds the last entry's; the roll entry may use the spare slot. */
    public void maybeAppend(final long maxTimestampMs, final long offset) {
        final int n = entries();
        if (n > 0 && maxTimestampMs <= timestampMs(n - 1)) {
            return;
        }
        map.putLong(at(n), maxTimestampMs);
        map.putInt(at(n) + 8, (int) (offset - baseOffset));
        publishEntry();
    }

    /** Timestamp of entry {@code i}. */
    public long timestampMs(final int i) {
        return map.getLong(at(i));
    }

    /** Relative offset of entry {@code i}. */
    public int relativeOffset(final int i) {
        return map.getInt(at(i) + 8);
    }

    /** The largest indexed timestamp, or {@link Long#MIN_VALUE} when empty. */
    public long lastTimestampMs() {
        final int n = entries();
        return n == 0 ? Long.MIN_VALUE : timestampMs(n - 1);
    }

    /**
     * Offset from which to scan for the first record with timestamp {@code >= timestampMs}: the offset of the
     * last entry whose timestamp is below it (its batch and everything before hold only smaller timestamps,
     * so the scan may start at that batch), or the segment's base offset when none is.
     */
    public long lookup(final long timestampMs) {
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (timestampMs(mid) < timestampMs) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + relativeOffset(found);
    }
}
