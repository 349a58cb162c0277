package io.metricstream.storage.block;

import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.index.IndexReader;
import io.metricstream.storage.index.SeriesEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An open, immutable block: its meta, its index in memory and its chunks file memory-mapped (read-only). Every
 * chunk read checks the record's bounds and CRC32C (rollup files, when present, are mapped and checked the same
 * way by {@link RollupFile}), so a corrupt file yields a {@link ChunkCorruptException} with the file and offset,
 * never a wrong answer. Thread-safe (the mapping is only read with absolute gets).
 */
public final class Block {
    private final Path dir;
    private final BlockMeta meta;
    private final IndexReader index;
    private final MappedByteBuffer chunks;
    private final String chunksSource;
    private final long sizeBytes;
    private final RollupFile[] rollups;

    private Block(final Path dir, final BlockMeta meta, final IndexReader index, final MappedByteBuffer chunks,
                  final long sizeBytes, final RollupFile[] rollups) {
        this.rollups = rollups;
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.chunksSource = dir.resolve(BlockWriter.CHUNKS).toString();
        this.sizeBytes = sizeBytes;
    }

    /** Opens the block in {@code dir}. */
    public static Block open(final Path dir) throws IOException {
        final BlockMeta meta = BlockMeta.read(dir);
        final IndexReader index = IndexReader.open(dir.resolve(BlockWriter.INDEX));
        final Path chunkPath = dir.resolve(BlockWriter.CHUNKS);
        final MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(chunkPath, StandardOpenOption.READ)) {
            if (ch.size() < BlockWriter.CHUNKS_HEADER || ch.size() > Integer.MAX_VALUE) {
                throw new ChunkCorruptException(chunkPath.toString(), 0, "bad chunks file size " + ch.size());
            }
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        if (map.getInt(0) != BlockWriter.CHUNKS_MAGIC) {
            throw new ChunkCorruptException(chunkPath.toString(), 0, "bad chunks file magic");
        }
        long size = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path p : files.toList()) {
                size += Files.size(p);
            }
        }
        final RollupFile[] rollups = new RollupFile[RollupWriter.RESOLUTIONS.length];
        for (int i = 0; i < rollups.length; i++) {
            final long res = RollupWriter.RESOLUTIONS[i];
            final Path p = dir.resolve(RollupWriter.fileName(res));
            if (Files.exists(p)) {
                rollups[i] = RollupFile.open(p, res, index.seriesCount());
            }
        }
        return new Block(dir, meta, index, map, size, rollups);
    }

    /** The block directory. */
    public Path dir() {
        return dir;
    }

    /** The meta. */
    public BlockMeta meta() {
        return meta;
    }

    /** The index. */
    public IndexReader index() {
        return index;
    }

    /** Bytes on disk (all files). */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The rollup of {@code resolutionMs}, or null when the block has none (written before rollups existed). */
    public RollupFile rollup(final long resolutionMs) {
        for (int i = 0; i < rollups.length; i++) {
            if (RollupWriter.RESOLUTIONS[i] == resolutionMs) {
                return rollups[i];
            }
        }
        return null;
    }

    /** Bytes on disk of the rollup files. */
    public long rollupBytes() {
        long total = 0;
        for (final RollupFile r : rollups) {
            total += r == null ? 0 : r.sizeBytes();
        }
        return total;
    }

    /** Whether the block's time range overlaps [minT, maxT]. */
    public boolean overlaps(final long minT, final long maxT) {
        return meta.maxTimeMs() >= minT && meta.minTimeMs() <= maxT;
    }

    /**
     * Checks chunk {@code i} of {@code series} (record bounds, CRC, sample count in its header) without decoding it
     * and returns the absolute offset of its bytes in {@link #chunks()}; the length is {@link #chunkLength}.
     */
    public int chunkAt(final SeriesEntry series, final int i) {
        final int at = checkedChunkAt(series, i);
        final long ref = at;
        if (chunks.getInt(at) < 3) {
            throw new ChunkCorruptException(chunksSource, ref, "bad chunk length " + chunks.getInt(at));
        }
        final int samples = chunks.getShort(at + 5) & 0xFFFF;
        if (samples != series.chunkSamples()[i]) {
            throw new ChunkCorruptException(chunksSource, ref, "chunk holds " + samples + " samples; index says "
                + series.chunkSamples()[i]);
        }
        return at + 4;
    }

    /** Length of the chunk whose bytes start at {@code chunkAt} (as returned by {@link #chunkAt}). */
    public int chunkLength(final int chunkAt) {
        return chunks.getInt(chunkAt - 4);
    }

    /** The memory-mapped chunks file (read with absolute gets only; never modify position or limit). */
    public ByteBuffer chunks() {
        return chunks;
    }

    /** Decodes chunk {@code i} of {@code series} into {@code reader}, checking bounds and CRC. */
    public ChunkReader readChunk(final SeriesEntry series, final int i, final ChunkReader reader) {
        final int at = checkedChunkAt(series, i);
        reader.reset(chunks, at + 4, chunks.getInt(at), chunksSource, at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but decodes values only up to {@code maxTimeMs} ({@link ChunkReader#resetUpTo}). */
    public ChunkReader readChunkUpTo(final SeriesEntry series, final int i, final ChunkReader reader,
                                     final long maxTimeMs) {
        final int at = checkedChunkAt(series, i);
        reader.resetUpTo(chunks, at + 4, chunks.getInt(at), chunksSource, at + 4, maxTimeMs);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but decodes only the chunk's non-stale values ({@link ChunkReader#resetValues}). */
    public ChunkReader readChunkValues(final SeriesEntry series, final int i, final ChunkReader reader) {
        final int at = checkedChunkAt(series, i);
        reader.resetValues(chunks, at + 4, chunks.getInt(at), chunksSource, at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but folds the chunk's count/min/max/last ({@link ChunkReader#resetAggregate}). */
    public ChunkReader readChunkAggregate(final SeriesEntry series, final int i, final ChunkReader reader) {
        final int at = checkedChunkAt(series, i);
        reader.resetAggregate(chunks, at + 4, chunks.getInt(at), chunksSource, at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but reads only the chunk's header ({@link ChunkReader#resetHeader}). */
    public ChunkReader readChunkHeader(final SeriesEntry series, final int i, final ChunkReader reader) {
        final int at = checkedChunkAt(series, i);
        reader.resetHeader(chunks, at + 4, chunks.getInt(at), chunksSource, at + 4);
        return checkedCount(series, i, reader);
    }

    /** The offset of chunk {@code i}'s record after its bounds and CRC are checked. */
    private int checkedChunkAt(final SeriesEntry series, final int i) {
        final long ref = series.chunkRefs()[i];
        final int limit = chunks.capacity();
        if (ref < BlockWriter.CHUNKS_HEADER || ref > limit - 8) {
            throw new ChunkCorruptException(chunksSource, ref, "chunk ref out of bounds (file size " + limit + ")");
        }
        final int at = (int) ref;
        final int length = chunks.getInt(at);
        if (length <= 0 || length > limit - at - 8) {
            throw new ChunkCorruptException(chunksSource, ref, "bad chunk length " + length);
        }
        final CRC32C crc = new CRC32C();
        crc.update(chunks.slice(at + 4, length));
        if ((int) crc.getValue() != chunks.getInt(at + 4 + length)) {
            throw new ChunkCorruptException(chunksSource, ref, "chunk CRC mismatch");
        }
        return at;
    }

    private ChunkReader checkedCount(final SeriesEntry series, final int i, final ChunkReader reader) {
        if (reader.count() != series.chunkSamples()[i]) {
            throw new ChunkCorruptException(chunksSource, series.chunkRefs()[i], "chunk holds " + reader.count()
                + " samples; index says " + series.chunkSamples()[i]);
        }
        return reader;
    }
}
