package io.metricstream.queue.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Sparse offset index of one segment (layout: docs/format/offset-index.md). Entry i, 8 bytes, big-endian:
 * {@code int32 relativeOffset, int32 position} — the batch whose base offset is {@code baseOffset +
 * relativeOffset} starts at byte {@code position} of the segment's .log file. Entries are strictly increasing
 * in both fields; one entry is added every {@code queue.index_interval_bytes} of log.
 *
 * <p>Not thread-safe for writes: owned by the partition's writer thread; {@link #lookup} may run on any thread.
 * After a crash the active segment's index is rebuilt from the log; a closed segment's index is validated on
 * open and rebuilt when invalid (zeroed tail, non-monotonic entries, entries past the log).
 */
public final class OffsetIndex extends IndexFile {
    /** Bytes per entry. */
    public static final int ENTRY_BYTES = 8;

    private OffsetIndex(Path path, long baseOffset, int maxBytes, boolean fresh) throws IOException {
        super(path, baseOffset, ENTRY_BYTES, maxBytes, fresh);
    }

    /** A new, empty, preallocated index (any existing file is truncated). */
    public static OffsetIndex create(final Path path, final long baseOffset, final int maxBytes) throws IOException {
        return new OffsetIndex(path, baseOffset, maxBytes, true);
    }

    /**
     * Opens an existing index of a closed segment whose log is {@code logBytes} long; returns {@code null}
     * when the file is missing or invalid (the caller rebuilds it).
     */
    public static OffsetIndex openValid(final Path path, final long baseOffset, final long logBytes)
        throws IOException {
        if (!java.nio.file.Files.exists(path) || java.nio.file.Files.size(path) % ENTRY_BYTES != 0) {
            return null;
        }
        final OffsetIndex index = new OffsetIndex(path, baseOffset, 0, false);
        if (!index.valid(logBytes)) {
            index.close();
            return null;
        }
        return index;
    }

    private boolean valid(final long logBytes) {
        int prevRel = -1;
        int prevPos = -1;
        for (int i = 0; i < entries(); i++) {
            final int rel = map.getInt(at(i));
            final int pos = map.getInt(at(i) + 4);
            if (rel <= prevRel || pos <= prevPos || pos >= logBytes) {
                return false;
            }
            prevRel = rel;
            prevPos = pos;
        }
        return true;
    }

    /** Adds an entry for the batch with base offset {@code offset} at {@code position}. */
    public void append(final long offset, final int position) {
        final int i = entries();
        map.putInt(at(i), (int) (offset - baseOffset));
        map.putInt(at(i) + 4, position);
        publishEntry();
    }

    /** Relative offset of entry {@code i}. */
    public int relativeOffset(final int i) {
        return map.getInt(at(i));
    }

    /** Position of entry {@code i}. */
    public int position(final int i) {
        return map.getInt(at(i) + 4);
    }

    /** Position of the last indexed batch whose base offset is {@code <= offset}; 0 when none is. */
    public int lookup(final long offset) {
        final long rel = offset - baseOffset;
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (map.getInt(at(mid)) <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : map.getInt(at(found) + 4);
    }

    /**
     * Position of the last indexed batch that starts at or before byte {@code position}; 0 when none does.
     * Lets a fetch skip whole index intervals of batches that fit in its byte budget without reading them.
     */
    public int floorPosition(final int position) {
        int lo = 0;
        int hi = entries() - 1;
        int found = 0;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final int p = map.getInt(at(mid) + 4);
            if (p <= position) {
                found = p;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
