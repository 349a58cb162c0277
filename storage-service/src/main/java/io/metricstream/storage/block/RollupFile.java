package io.metricstream.storage.block;

import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One open rollup file of a block (docs/format/rollup.md), memory-mapped read-only. Every read checks the record's
 * bounds, CRC32C and the five columns' agreement, so corruption yields a {@link ChunkCorruptException} naming the
 * file and offset, never a wrong answer. Thread-safe (absolute gets only; callers pass their own scratch).
 */
public final class RollupFile {
    private final MappedByteBuffer map;
    private final String source;
    private final long resolutionMs;
    private final int seriesCount;

    private RollupFile(final MappedByteBuffer map, final String source, final long resolutionMs,
                       final int seriesCount) {
        this.map = map;
        this.source = source;
        this.resolutionMs = resolutionMs;
        this.seriesCount = seriesCount;
    }

    /** Opens and checks the header of {@code path}, which must hold {@code expectedSeries} refs. */
    public static RollupFile open(final Path path, final long expectedResolutionMs, final int expectedSeries)
        throws IOException {
        final String source = path.toString();
        final MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < RollupWriter.HEADER || ch.size() > Integer.MAX_VALUE) {
                throw new ChunkCorruptException(source, 0, "bad rollup file size " + ch.size());
            }
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        if (map.getInt(0) != RollupWriter.MAGIC || map.getInt(4) != RollupWriter.VERSION) {
            throw new ChunkCorruptException(source, 0, "bad rollup magic or version");
        }
        if (map.getLong(8) != expectedResolutionMs) {
            throw new ChunkCorruptException(source, 8, "rollup resolution " + map.getLong(8) + "; want "
                + expectedResolutionMs);
        }
        final int n = map.getInt(16);
        if (n != expectedSeries || RollupWriter.HEADER + 8L * n > map.capacity()) {
            throw new ChunkCorruptException(source, 16, "rollup holds " + n + " series; index has "
                + expectedSeries + " (file size " + map.capacity() + ")");
        }
        return new RollupFile(map, source, expectedResolutionMs, n);
    }

    /** Unmaps the file; no read may follow or run concurrently ({@link Block#close}). Returns false if left to GC. */
    boolean close() {
        return Unmapper.unmap(map);
    }

    /** The resolution. */
    public long resolutionMs() {
        return resolutionMs;
    }

    /** Bytes of the file. */
    public long sizeBytes() {
        return map.capacity();
    }

    /** The file. */
    public String source() {
        return source;
    }

    /**
     * Appends the windows of series {@code id} whose start lies in [minStart, maxStart] to {@code into};
     * returns how many were appended.
     */
    public int read(final int id, final long minStart, final long maxStart, final ChunkReader[] readers,
                    final RollupWindows into) {
        if (id < 0 || id >= seriesCount) {
            throw new IllegalArgumentException("series id " + id + " of " + seriesCount);
        }
        final int refAt = RollupWriter.HEADER + 8 * id;
        final long ref = map.getLong(refAt);
        if (ref == 0) {
            return 0;
        }
        final int limit = map.capacity();
        final int tableEnd = RollupWriter.HEADER + 8 * seriesCount;
        if (ref < tableEnd || ref > limit - 12) {
            throw new ChunkCorruptException(source, refAt, "rollup ref " + ref + " out of bounds (file size "
                + limit + ")");
        }
        final int at = (int) ref;
        final int length = map.getInt(at);
        if (length < 4 || length > limit - at - 8) {
            throw new ChunkCorruptException(source, ref, "bad rollup record length " + length);
        }
        final CRC32C crc = new CRC32C();
        crc.update(map.slice(at + 4, length));
        if ((int) crc.getValue() != map.getInt(at + 4 + length)) {
            throw new ChunkCorruptException(source, ref, "rollup record CRC mismatch");
        }
        final int end = at + 4 + length;
        int p = at + 4;
        final int groups = map.getInt(p);
        p += 4;
        int added = 0;
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 5; k++) {
                if (p > end - 4) {
                    throw new ChunkCorruptException(source, p, "rollup record truncated");
                }
                final int len = map.getInt(p);
                if (len <= 0 || len > end - p - 4) {
                    throw new ChunkCorruptException(source, p, "bad rollup column length " + len);
                }
                readers[k].reset(map, p + 4, len, source, p + 4);
                p += 4 + len;
            }
            added += group(readers, minStart, maxStart, into, ref);
        }
        if (p != end) {
            throw new ChunkCorruptException(source, p, "rollup record has " + (end - p) + " trailing bytes");
        }
        return added;
    }

    private int group(final ChunkReader[] r, final long minStart, final long maxStart, final RollupWindows into,
                      final long ref) {
        final int n = r[0].count();
        for (int k = 1; k < 5; k++) {
            if (r[k].count() != n) {
                throw new ChunkCorruptException(source, ref, "rollup columns disagree on the window count");
            }
        }
        int added = 0;
        for (int i = 0; i < n; i++) {
            final long start = r[0].timestampAt(i);
            if (r[1].timestampAt(i) != start || r[2].timestampAt(i) != start || r[3].timestampAt(i) != start
                || Math.floorMod(start, resolutionMs) != 0 || Math.floorDiv(r[4].timestampAt(i), resolutionMs)
                * resolutionMs != start) {
                throw new ChunkCorruptException(source, ref, "rollup window " + i + " has inconsistent timestamps");
            }
            if (start < minStart || start > maxStart) {
                continue;
            }
            into.add(start, value(r[0], i), value(r[1], i), value(r[2], i), value(r[3], i), value(r[4], i),
                r[4].timestampAt(i));
            added++;
        }
        return added;
    }

    private static double value(final ChunkReader r, final int i) {
        return Double.longBitsToDouble(r.valueBitsAt(i));
    }
}
