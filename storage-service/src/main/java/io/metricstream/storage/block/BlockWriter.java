package io.metricstream.storage.block;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.storage.head.HeadCheckpoint;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.IndexWriter;
import io.metricstream.storage.index.SeriesEntry;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one block atomically: {@code <name>.tmp/} with {@code chunks}, {@code index}, the rollups
 * {@code rollup-5m} and {@code rollup-1h} (docs/format/rollup.md) and {@code meta.json}, each fsynced, then
 * renamed to {@code <name>/} and the parent directory fsynced. A crash leaves either no block or a whole one;
 * leftover {@code *.tmp} directories are deleted when the store opens.
 * <pre>
 * chunks file: int32 magic 'MSCK', int32 version 1, then records:
 *   int32 length, chunk bytes (docs/format/chunk.md), int32 CRC32C of the chunk bytes
 * </pre>
 * A chunk ref is the file offset of its record. Stateless.
 */
public final class BlockWriter {
    /** Chunks file name. */
    public static final String CHUNKS = "chunks";
    /** Index file name. */
    public static final String INDEX = "index";
    /** Magic of the chunks file. */
    public static final int CHUNKS_MAGIC = 0x4D53434B;
    /** Bytes of the chunks file header. */
    public static final int CHUNKS_HEADER = 8;

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

    /**
     * Writes a block named {@code name} under {@code parent}, with rollups only when its samples span at least
     * {@code rollupMinSpanMs}; returns its meta, or null when there is no chunk.
     */
    public static BlockMeta write(final Path parent, final String name, final List<SeriesChunks> input,
                                  final int level, final List<String> sources, final long rollupMinSpanMs)
        throws IOException {
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
        final CRC32C crc = new CRC32C();
        final FileOutputStream file = new FileOutputStream(tmp.resolve(CHUNKS).toFile());
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16))) {
            out.writeInt(CHUNKS_MAGIC);
            out.writeInt(1);
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
                    refs[i] = out.size();
                    if (out.size() < 0 || out.size() > Integer.MAX_VALUE - c.data().length - 8) {
                        throw new IOException("block chunks file over 2 GiB: " + tmp);
                    }
                    out.writeInt(c.data().length);
                    out.write(c.data());
                    crc.reset();
                    crc.update(c.data());
                    out.writeInt((int) crc.getValue());
                    minT = Math.min(minT, c.minTimeMs());
                    maxT = Math.max(maxT, c.maxTimeMs());
                    samples += c.count();
                    chunkCount++;
                }
                index.add(new SeriesEntry(s.labels(), mins, maxs, refs, counts));
            }
            out.flush();
            file.getChannel().force(true);
        }
        index.write(tmp.resolve(INDEX));
        if (maxT - minT >= rollupMinSpanMs) {
            for (final long res : RollupWriter.RESOLUTIONS) {
                RollupWriter.write(tmp.resolve(RollupWriter.fileName(res)), res, series);
            }
        }
        final BlockMeta meta = new BlockMeta(name, minT, maxT, samples, series.size(), chunkCount, level,
            sources.isEmpty() ? List.of(name) : List.copyOf(sources));
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
