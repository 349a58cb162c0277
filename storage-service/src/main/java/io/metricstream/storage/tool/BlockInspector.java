package io.metricstream.storage.tool;

import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.BlockMeta;
import io.metricstream.storage.block.ChunkSegmentDescriptor;
import io.metricstream.storage.block.RollupFile;
import io.metricstream.storage.block.RollupWindows;
import io.metricstream.storage.block.RollupWriter;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.index.IndexReader;
import io.metricstream.storage.index.SeriesEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints a block for a human at 3 a.m.: meta, its chunk segment files with their sizes, index summary, every series
 * with its chunks (ref as segment:offset, time range, samples, encoding), and a verification of every chunk
 * (bounds, CRC32C, decode) and of every rollup record. A corrupt chunk or rollup record is reported with its file
 * and offset and the walk continues; a missing or bad segment file fails the open and is reported by name.
 * Backs {@code metricstream inspect block <path>}.
 */
public final class BlockInspector {
    private BlockInspector() {
    }

    /** Inspects the block directory {@code dir}, writing the report to {@code out}. */
    public static void inspect(final Path dir, final Appendable out) throws IOException {
        final Block block;
        try {
            block = Block.open(dir);
        } catch (final ChunkCorruptException e) {
            out.append("CORRUPT ").append(e.getMessage()).append('\n');
            return;
        }
        try {
            report(block, out);
        } finally {
            // the inspector's own mapping, read by nobody else
            block.close();
        }
    }

    private static void report(final Block block, final Appendable out) throws IOException {
        final BlockMeta m = block.meta();
        out.append(String.format(Locale.ROOT, "block %s level=%d minTime=%d maxTime=%d samples=%d series=%d "
            + "chunks=%d bytes=%d sources=%s%n", m.name(), m.level(), m.minTimeMs(), m.maxTimeMs(), m.samples(),
            m.series(), m.chunks(), block.sizeBytes(), m.sources()));
        out.append(String.format(Locale.ROOT, "chunk segments=%d layout=%s%n", block.chunkSegmentCount(),
            m.version() == BlockMeta.VERSION_CHUNKS_FILE ? "v1 single chunks file" : "v2 segments"));
        for (int k = 0; k < block.chunkSegmentCount(); k++) {
            out.append(String.format(Locale.ROOT, "  segment %s bytes=%d%n", block.chunkSegmentSource(k),
                block.chunkSegmentBytes(k)));
        }
        final IndexReader index = block.index();
        out.append(String.format(Locale.ROOT, "index series=%d labelNames=%s%n", index.seriesCount(),
            index.labelNames()));
        final ChunkReader reader = new ChunkReader();
        long corrupt = 0;
        long samples = 0;
        for (int id = 0; id < index.seriesCount(); id++) {
            final SeriesEntry s = index.series(id);
            out.append(String.format(Locale.ROOT, "series %d %s chunks=%d%n", id, s.labels(), s.chunkRefs().length));
            for (int i = 0; i < s.chunkRefs().length; i++) {
                out.append(String.format(Locale.ROOT, "  chunk ref=%d:%d minTime=%d maxTime=%d samples=%d",
                    ChunkSegmentDescriptor.segment(s.chunkRefs()[i]), ChunkSegmentDescriptor.offset(s.chunkRefs()[i]),
                    s.chunkMinTimes()[i], s.chunkMaxTimes()[i], s.chunkSamples()[i]));
                try {
                    block.readChunk(s, i, reader);
                    samples += reader.count();
                    if (reader.count() > 0 && (reader.timestampAt(0) != s.chunkMinTimes()[i]
                        || reader.timestampAt(reader.count() - 1) != s.chunkMaxTimes()[i])) {
                        out.append(" MISMATCH index time range differs from chunk");
                        corrupt++;
                    } else {
                        out.append(reader.encoding() == ChunkDescriptor.ENCODING_XOR ? " xor"
                            : reader.encoding() == ChunkDescriptor.ENCODING_DECIMAL_DELTA ? " decimal-delta"
                            : " decimal-dod").append(" ok");
                    }
                } catch (final ChunkCorruptException e) {
                    out.append(" CORRUPT ").append(e.getMessage());
                    corrupt++;
                }
                out.append('\n');
            }
        }
        out.append(String.format(Locale.ROOT, "verified samples=%d corruptChunks=%d bytesPerSample=%.3f%n", samples,
            corrupt, samples == 0 ? 0.0 : (double) block.sizeBytes() / samples));
        inspectRollups(block, out);
    }

    private static void inspectRollups(final Block block, final Appendable out) throws IOException {
        final ChunkReader[] readers = {new ChunkReader(), new ChunkReader(), new ChunkReader(), new ChunkReader(),
            new ChunkReader()};
        final RollupWindows scratch = new RollupWindows();
        for (final long res : RollupWriter.RESOLUTIONS) {
            final RollupFile rollup = block.rollup(res);
            if (rollup == null) {
                out.append(RollupWriter.fileName(res)).append(" absent (the block spans less than "
                    + "storage.rollup_min_block_span_ms, or was written before rollups)\n");
                continue;
            }
            long windows = 0;
            long corrupt = 0;
            for (int id = 0; id < block.index().seriesCount(); id++) {
                try {
                    scratch.clear();
                    windows += rollup.read(id, Long.MIN_VALUE, Long.MAX_VALUE, readers, scratch);
                } catch (final ChunkCorruptException e) {
                    out.append("  series ").append(Integer.toString(id)).append(" CORRUPT ").append(e.getMessage())
                        .append('\n');
                    corrupt++;
                }
            }
            out.append(String.format(Locale.ROOT, "%s windows=%d bytes=%d corruptSeries=%d%n",
                RollupWriter.fileName(res), windows, rollup.sizeBytes(), corrupt));
        }
    }
}
