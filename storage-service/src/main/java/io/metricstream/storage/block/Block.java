package io.metricstream.storage.block;

import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.index.IndexReader;
import io.metricstream.storage.index.SeriesEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An open, immutable block: its meta, its index in memory and its chunk segments memory-mapped (read-only), each
 * whole. Version 2 blocks have segment files {@code chunks/000001}... (refs: segment and offset,
 * {@link ChunkSegmentDescriptor}); version 1 blocks one {@code chunks} file, read as segment 0 (refs: its offsets).
 * Opening maps every segment and checks its header, naming the file that is missing or bad. Every chunk read checks
 * the ref's segment, the record's bounds and CRC32C (rollup files, when present, are mapped and checked the same
 * way by {@link RollupFile}), so a corrupt file yields a {@link ChunkCorruptException} with the file and offset,
 * never a wrong answer. Thread-safe (the mappings are only read with absolute gets).
 *
 * <p>{@link #close} unmaps the segment and rollup files at once (so a deleted block's disk space is released then,
 * not when the GC collects the buffers); a read after it crashes the JVM, so it is called only once no reader can
 * hold the block: at database close with no query running, or for a block retired from the block list once every
 * query that could have taken a list holding it has exited ({@code RetiredBlocks}).
 */
public final class Block {
    private final Path dir;
    private final BlockMeta meta;
    private final IndexReader index;
    // segment k of a ref is segments[k - firstSegment]; immutable after construction
    private final MappedByteBuffer[] segments;
    private final String[] segmentSources;
    private final int firstSegment;
    private final long sizeBytes;
    private final RollupFile[] rollups;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Block(final Path dir, final BlockMeta meta, final IndexReader index, final MappedByteBuffer[] segments,
                  final String[] segmentSources, final int firstSegment, final long sizeBytes,
                  final RollupFile[] rollups) {
        this.rollups = rollups;
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.segments = segments;
        this.segmentSources = segmentSources;
        this.firstSegment = firstSegment;
        this.sizeBytes = sizeBytes;
    }

    /** Opens the block in {@code dir}. */
    public static Block open(final Path dir) throws IOException {
        final BlockMeta meta = BlockMeta.read(dir);
        final IndexReader index = IndexReader.open(dir.resolve(BlockWriter.INDEX));
        final int firstSegment;
        final Path[] paths = new Path[meta.chunkSegments()];
        if (meta.version() == BlockMeta.VERSION_CHUNKS_FILE) {
            firstSegment = 0;
            paths[0] = dir.resolve(ChunkSegmentDescriptor.DIR);
        } else {
            firstSegment = ChunkSegmentDescriptor.FIRST_SEGMENT;
            for (int i = 0; i < paths.length; i++) {
                paths[i] = ChunkSegmentDescriptor.path(dir, firstSegment + i);
            }
        }
        final MappedByteBuffer[] segments = new MappedByteBuffer[paths.length];
        final String[] sources = new String[paths.length];
        final RollupFile[] rollups = new RollupFile[RollupWriter.RESOLUTIONS.length];
        try {
            for (int i = 0; i < paths.length; i++) {
                segments[i] = mapSegment(paths[i]);
                sources[i] = paths[i].toString();
            }
            final long size;
            try (Stream<Path> files = Files.walk(dir)) {
                size = files.filter(Files::isRegularFile).mapToLong(Block::fileSize).sum();
            } catch (final UncheckedIOException e) {
                throw e.getCause();
            }
            for (int i = 0; i < rollups.length; i++) {
                final long res = RollupWriter.RESOLUTIONS[i];
                final Path p = dir.resolve(RollupWriter.fileName(res));
                if (Files.exists(p)) {
                    rollups[i] = RollupFile.open(p, res, index.seriesCount());
                }
            }
            return new Block(dir, meta, index, segments, sources, firstSegment, size, rollups);
        } catch (final IOException | RuntimeException e) {
            // nothing else has seen these mappings: release the ones made before the bad file now
            unmapAll(segments, rollups);
            throw e;
        }
    }

    /**
     * Unmaps the chunk segment and rollup files (once; later calls do nothing). No read of this block may run
     * concurrently or follow: the caller knows no query holds it. Returns false when a mapping is left to the GC
     * (the JVM cannot unmap; logged once).
     */
    public boolean close() {
        return !closed.compareAndSet(false, true) || unmapAll(segments, rollups);
    }

    private static boolean unmapAll(final MappedByteBuffer[] segments, final RollupFile[] rollups) {
        boolean all = true;
        for (final MappedByteBuffer m : segments) {
            all &= m == null || Unmapper.unmap(m);
        }
        for (final RollupFile r : rollups) {
            all &= r == null || r.close();
        }
        return all;
    }

    private static MappedByteBuffer mapSegment(final Path path) throws IOException {
        final MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < ChunkSegmentDescriptor.HEADER_LENGTH || ch.size() > Integer.MAX_VALUE) {
                throw new ChunkCorruptException(path.toString(), 0, "bad chunk segment size " + ch.size());
            }
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (final NoSuchFileException e) {
            throw new ChunkCorruptException(path.toString(), 0, "chunk segment missing");
        } catch (final IOException e) {
            throw new IOException("cannot map chunk segment " + path + ": " + e.getMessage(), e);
        }
        if (map.getInt(0) != ChunkSegmentDescriptor.MAGIC) {
            throw new ChunkCorruptException(path.toString(), 0, "bad chunk segment magic");
        }
        if (map.getInt(4) != ChunkSegmentDescriptor.VERSION) {
            throw new ChunkCorruptException(path.toString(), 4, "bad chunk segment version " + map.getInt(4)
                + "; want " + ChunkSegmentDescriptor.VERSION);
        }
        return map;
    }

    private static long fileSize(final Path p) {
        try {
            return Files.size(p);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Bytes on disk (all files, every chunk segment included). */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * The rollup of {@code resolutionMs}, or null when the block has none (it spans less than the rollup minimum
     * span it was written with, or was written before rollups existed).
     */
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

    /** Chunk segment files (meta version 2: {@code chunks/000001}...; version 1: the one {@code chunks} file). */
    public int chunkSegmentCount() {
        return segments.length;
    }

    /** The path of chunk segment file {@code k} (0-based, in ref order), as chunk errors name it. */
    public String chunkSegmentSource(final int k) {
        return segmentSources[k];
    }

    /** The byte size of chunk segment file {@code k} (0-based, in ref order). */
    public int chunkSegmentBytes(final int k) {
        return segments[k].capacity();
    }

    /**
     * Checks chunk {@code i} of {@code series} (record bounds, CRC, sample count in its header) without decoding it
     * and returns the absolute offset of its bytes in its segment, {@link #chunkSegment}; the length is
     * {@link #chunkLength}.
     */
    public int chunkAt(final SeriesEntry series, final int i) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        if (segment.getInt(at) < 3) {
            throw new ChunkCorruptException(sourceOf(ref), at, "bad chunk length " + segment.getInt(at));
        }
        final int samples = segment.getShort(at + 5) & 0xFFFF;
        if (samples != series.chunkSamples()[i]) {
            throw new ChunkCorruptException(sourceOf(ref), at, "chunk holds " + samples + " samples; index says "
                + series.chunkSamples()[i]);
        }
        return at + 4;
    }

    /**
     * The memory-mapped segment holding chunk {@code i} of {@code series}, the buffer {@link #chunkAt}'s offset is
     * in (read with absolute gets only; never modify position or limit).
     */
    public ByteBuffer chunkSegment(final SeriesEntry series, final int i) {
        return segmentOf(series.chunkRefs()[i]);
    }

    /** The chunk segment file of chunk {@code i} of {@code series}, as chunk errors name it. */
    public String chunkSource(final SeriesEntry series, final int i) {
        return sourceOf(series.chunkRefs()[i]);
    }

    /** Length of the chunk whose bytes start at {@code chunkAt} of {@code segment} (both from this block). */
    public static int chunkLength(final ByteBuffer segment, final int chunkAt) {
        return segment.getInt(chunkAt - 4);
    }

    /** Decodes chunk {@code i} of {@code series} into {@code reader}, checking bounds and CRC. */
    public ChunkReader readChunk(final SeriesEntry series, final int i, final ChunkReader reader) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        reader.reset(segment, at + 4, segment.getInt(at), sourceOf(ref), at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but decodes values only up to {@code maxTimeMs} ({@link ChunkReader#resetUpTo}). */
    public ChunkReader readChunkUpTo(final SeriesEntry series, final int i, final ChunkReader reader,
                                     final long maxTimeMs) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        reader.resetUpTo(segment, at + 4, segment.getInt(at), sourceOf(ref), at + 4, maxTimeMs);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but decodes only the chunk's non-stale values ({@link ChunkReader#resetValues}). */
    public ChunkReader readChunkValues(final SeriesEntry series, final int i, final ChunkReader reader) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        reader.resetValues(segment, at + 4, segment.getInt(at), sourceOf(ref), at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but folds the chunk's count/min/max/last ({@link ChunkReader#resetAggregate}). */
    public ChunkReader readChunkAggregate(final SeriesEntry series, final int i, final ChunkReader reader) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        reader.resetAggregate(segment, at + 4, segment.getInt(at), sourceOf(ref), at + 4);
        return checkedCount(series, i, reader);
    }

    /** Like {@link #readChunk} but reads only the chunk's header ({@link ChunkReader#resetHeader}). */
    public ChunkReader readChunkHeader(final SeriesEntry series, final int i, final ChunkReader reader) {
        final long ref = series.chunkRefs()[i];
        final ByteBuffer segment = segmentOf(ref);
        final int at = checkedChunkAt(segment, ref);
        reader.resetHeader(segment, at + 4, segment.getInt(at), sourceOf(ref), at + 4);
        return checkedCount(series, i, reader);
    }

    /** The mapped segment of {@code ref}; a segment number the block does not have is corruption of the index. */
    private ByteBuffer segmentOf(final long ref) {
        final int k = ChunkSegmentDescriptor.segment(ref) - firstSegment;
        if (k < 0 || k >= segments.length) {
            throw new ChunkCorruptException(dir.resolve(BlockWriter.INDEX).toString(), ref, "chunk ref segment "
                + ChunkSegmentDescriptor.segment(ref) + " outside the block's segments [" + firstSegment + ", "
                + (firstSegment + segments.length - 1) + "]");
        }
        return segments[k];
    }

    /** The file of {@code ref}'s segment (valid once {@link #segmentOf} accepted the ref). */
    private String sourceOf(final long ref) {
        return segmentSources[ChunkSegmentDescriptor.segment(ref) - firstSegment];
    }

    /** The offset of the record of {@code ref} in {@code segment} after its bounds and CRC are checked. */
    private int checkedChunkAt(final ByteBuffer segment, final long ref) {
        final int at = ChunkSegmentDescriptor.offset(ref);
        final int limit = segment.capacity();
        if (at < ChunkSegmentDescriptor.HEADER_LENGTH || at > limit - ChunkSegmentDescriptor.RECORD_OVERHEAD) {
            throw new ChunkCorruptException(sourceOf(ref), at, "chunk ref out of bounds (segment size " + limit
                + ")");
        }
        final int length = segment.getInt(at);
        if (length <= 0 || length > limit - at - ChunkSegmentDescriptor.RECORD_OVERHEAD) {
            throw new ChunkCorruptException(sourceOf(ref), at, "bad chunk length " + length);
        }
        final CRC32C crc = new CRC32C();
        crc.update(segment.slice(at + 4, length));
        if ((int) crc.getValue() != segment.getInt(at + 4 + length)) {
            throw new ChunkCorruptException(sourceOf(ref), at, "chunk CRC mismatch");
        }
        return at;
    }

    private ChunkReader checkedCount(final SeriesEntry series, final int i, final ChunkReader reader) {
        if (reader.count() != series.chunkSamples()[i]) {
            throw new ChunkCorruptException(sourceOf(series.chunkRefs()[i]),
                ChunkSegmentDescriptor.offset(series.chunkRefs()[i]), "chunk holds " + reader.count()
                + " samples; index says " + series.chunkSamples()[i]);
        }
        return reader;
    }
}
