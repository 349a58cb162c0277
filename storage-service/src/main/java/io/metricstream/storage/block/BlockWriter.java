package io.metricstream.storage.block;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.storage.head.HeadCheckpoint;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.IndexWriter;
import io.metricstream.storage.index.SeriesEntry;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes one block atomically: {@code <name>.tmp/} with the chunk segments {@code chunks/000001}, ...
 * ({@link ChunkSegmentDescriptor}), {@code index}, the rollups {@code rollup-5m} and {@code rollup-1h}
 * (docs/format/rollup.md) and {@code meta.json} (version 2), each file and directory fsynced, then renamed to
 * {@code <name>/} and the parent directory fsynced. A crash leaves either no block or a whole one; leftover
 * {@code *.tmp} directories are deleted when the store opens. Chunk refs are segment and offset
 * ({@link ChunkSegmentDescriptor#ref}). Stateless.
 */
public final class BlockWriter {
    /** Name of the chunk segments' directory (meta version 2) or of the one chunks file (meta version 1). */
    public static final String CHUNKS = ChunkSegmentDescriptor.DIR;
    /** Index file name. */
    public static final String INDEX = "index";

    private BlockWriter() {
    }

    /**
     * One series to write.
     *
     * @param labels the series
     * @param chunks its chunks, time-ordered, non-overlapping
     */
    public record SeriesChunks(LabelSet labels, List<HeadChunk> chunks) {
    }

    /** Writes a block with rollups named {@code name} under {@code parent}; null when there is no chunk. */
    public static BlockMeta write(final Path parent, final String name, final List<SeriesChunks> input,
                                  final int level, final List<String> sources) throws IOException {
        return write(parent, name, input, level, sources, 0L);
    }

    /** As {@link #write(Path, String, List, int, List, long, long)} with segments of the default size. */
    public static BlockMeta write(final Path parent, final String name, final List<SeriesChunks> input,
                                  final int level, final List<String> sources, final long rollupMinSpanMs)
        throws IOException {
        return write(parent, name, input, level, sources, rollupMinSpanMs,
            ChunkSegmentDescriptor.DEFAULT_MAX_SEGMENT_BYTES);
    }

    /**
     * Writes a block named {@code name} under {@code parent}, with rollups only when its samples span at least
     * {@code rollupMinSpanMs} and chunk segments of at most {@code maxSegmentBytes} (a larger chunk gets a segment
     * of its own); returns its meta, or null when there is no chunk.
     */
    public static BlockMeta write(final Path parent, final String name, final List<SeriesChunks> input,
                                  final int level, final List<String> sources, final long rollupMinSpanMs,
                                  final long maxSegmentBytes) throws IOException {
        final List<SeriesChunks> series = new ArrayList<>(input);
        series.removeIf(s -> s.chunks().isEmpty());
        if (series.isEmpty()) {
            return null;
        }
        series.sort(Comparator.comparing(SeriesChunks::labels));
        final Path tmp = parent.resolve(name + ".tmp");
        Files.createDirectories(tmp);
        final IndexWriter index = new IndexWriter();
        long minT = Long.MAX_VALUE;
        long maxT = Long.MIN_VALUE;
        long samples = 0;
        long chunkCount = 0;
        final int segments;
        try (ChunkSegmentWriter out = new ChunkSegmentWriter(tmp, maxSegmentBytes)) {
            for (final SeriesChunks s : series) {
                final int n = s.chunks().size();
                final long[] mins = new long[n];
                final long[] maxs = new long[n];
                final long[] refs = new long[n];
                final int[] counts = new int[n];
                for (int i = 0; i < n; i++) {
                    final HeadChunk c = s.chunks().get(i);
                    mins[i] = c.minTimeMs();
                    maxs[i] = c.maxTimeMs();
                    counts[i] = c.count();
                    refs[i] = out.append(c.data());
                    minT = Math.min(minT, c.minTimeMs());
                    maxT = Math.max(maxT, c.maxTimeMs());
                    samples += c.count();
                    chunkCount++;
                }
                index.add(new SeriesEntry(s.labels(), mins, maxs, refs, counts));
            }
            segments = out.segments();
        }
        index.write(tmp.resolve(INDEX));
        if (maxT - minT >= rollupMinSpanMs) {
            for (final long res : RollupWriter.RESOLUTIONS) {
                RollupWriter.write(tmp.resolve(RollupWriter.fileName(res)), res, series);
            }
        }
        final BlockMeta meta = new BlockMeta(BlockMeta.VERSION_CHUNK_SEGMENTS, name, minT, maxT, samples,
            series.size(), chunkCount, segments, level, sources.isEmpty() ? List.of(name) : List.copyOf(sources));
        try (FileOutputStream m = new FileOutputStream(tmp.resolve(BlockMeta.FILE).toFile())) {
            m.write(meta.toJson());
            m.getChannel().force(true);
        }
        HeadCheckpoint.fsyncDirectory(tmp);
        Files.move(tmp, parent.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        HeadCheckpoint.fsyncDirectory(parent);
        return meta;
    }
}
