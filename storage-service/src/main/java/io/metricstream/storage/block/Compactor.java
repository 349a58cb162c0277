package io.metricstream.storage.block;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.SeriesEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Merges blocks into one larger block: every series' samples from all inputs are merged in time order with
 * duplicates dropped (the older block wins on equal timestamps), tombstones applied, and re-cut into chunks of up
 * to {@code maxSamples}. The new block lists the union of the inputs' sources; the inputs are deleted by the caller
 * after the new block is visible, and on open a block whose sources are all covered by another block is deleted,
 * so a crash in between never duplicates or loses data. Stateless: each call has its own scratch; the database
 * runs merges on its compaction thread ({@code TimeSeriesDb#compactInBackground}).
 */
public final class Compactor {
    private Compactor() {
    }

    /**
     * Groups of blocks to merge: blocks of level L whose minTime falls into the same window of
     * {@code blockDurationMs * factor^L}, when there are {@code factor} of them or some of them overlap in time.
     */
    public static List<List<Block>> plan(final List<Block> blocks, final long blockDurationMs, final int factor,
                                         final int maxLevel) {
        final List<List<Block>> out = new ArrayList<>();
        for (int level = 1; level < maxLevel; level++) {
            final long window = blockDurationMs * (long) Math.pow(factor, level);
            final Map<Long, List<Block>> groups = new TreeMap<>();
            for (final Block b : blocks) {
                if (b.meta().level() == level) {
                    groups.computeIfAbsent(Math.floorDiv(b.meta().minTimeMs(), window), k -> new ArrayList<>()).add(b);
                }
            }
            for (final List<Block> g : groups.values()) {
                if (g.size() >= factor || g.size() >= 2 && overlapping(g)) {
                    g.sort(Comparator.comparing(b -> b.meta().name()));
                    out.add(g);
                }
            }
        }
        return out;
    }

    private static boolean overlapping(final List<Block> g) {
        final List<Block> sorted = new ArrayList<>(g);
        sorted.sort(Comparator.comparingLong(b -> b.meta().minTimeMs()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).meta().minTimeMs() <= sorted.get(i - 1).meta().maxTimeMs()) {
                return true;
            }
        }
        return false;
    }

    /** Writes the merge of {@code inputs} (in name order = age order) as block {@code name} at {@code level}. */
    public static BlockMeta merge(final Path parent, final String name, final List<Block> inputs, final int level,
                                  final int maxSamples, final BiConsumer<LabelSet, SampleBuffer> tombstones)
        throws IOException {
        return merge(parent, name, inputs, level, maxSamples, tombstones, 0L);
    }

    /**
     * As {@link #merge(Path, String, List, int, int, BiConsumer)}, with rollups only for spans >= the bound and
     * segments of the default size.
     */
    public static BlockMeta merge(final Path parent, final String name, final List<Block> inputs, final int level,
                                  final int maxSamples, final BiConsumer<LabelSet, SampleBuffer> tombstones,
                                  final long rollupMinSpanMs) throws IOException {
        return merge(parent, name, inputs, level, maxSamples, tombstones, rollupMinSpanMs, labels -> true,
            ChunkSegmentDescriptor.DEFAULT_MAX_SEGMENT_BYTES);
    }

    /**
     * As {@link #merge(Path, String, List, int, int, BiConsumer, long)}; a series {@code mayBeTombstoned} rejects
     * has its chunks copied as stored, without decoding, when they already are what re-cutting would produce: in
     * time order across the inputs without overlap, every chunk but the last exactly {@code maxSamples} long (the
     * head cuts full chunks at that count, and 2 h windows of 15 s samples hold two). Re-cutting such a series
     * yields the same sample runs, and one encoder (deterministic) made both, so the block is byte-identical to the
     * decoding path's; what it saves is the decode and re-encode of every sample, which was ~35 % of the storage
     * service's CPU while ingesting. Chunks are checked (bounds, CRC, sample count) as they are copied. The inputs
     * may have any layout (one chunks file or segments, any segment size); the output has segments of at most
     * {@code maxSegmentBytes}.
     */
    public static BlockMeta merge(final Path parent, final String name, final List<Block> inputs, final int level,
                                  final int maxSamples, final BiConsumer<LabelSet, SampleBuffer> tombstones,
                                  final long rollupMinSpanMs, final Predicate<LabelSet> mayBeTombstoned,
                                  final long maxSegmentBytes) throws IOException {
        final TreeMap<LabelSet, List<Object[]>> series = new TreeMap<>();
        final List<String> sources = new ArrayList<>();
        for (final Block b : inputs) {
            sources.addAll(b.meta().sources());
            for (int id = 0; id < b.index().seriesCount(); id++) {
                final SeriesEntry e = b.index().series(id);
                series.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(new Object[] {b, e});
            }
        }
        final ChunkReader reader = new ChunkReader();
        final SampleBuffer merged = new SampleBuffer(1024);
        final SampleBuffer part = new SampleBuffer(1024);
        final ChunkWriter writer = new ChunkWriter(maxSamples);
        final BitWriter out = new BitWriter(1024);
        final List<BlockWriter.SeriesChunks> result = new ArrayList<>();
        for (final Map.Entry<LabelSet, List<Object[]>> s : series.entrySet()) {
            if (!mayBeTombstoned.test(s.getKey()) && alreadyCut(s.getValue(), maxSamples)) {
                result.add(new BlockWriter.SeriesChunks(s.getKey(), copyChunks(s.getValue())));
                continue;
            }
            merged.clear();
            for (final Object[] src : s.getValue()) {
                part.clear();
                readAll((Block) src[0], (SeriesEntry) src[1], reader, part);
                part.sortAndDedupe();
                merged.mergeFrom(part);
            }
            tombstones.accept(s.getKey(), merged);
            result.add(new BlockWriter.SeriesChunks(s.getKey(), rechunk(merged, writer, out, maxSamples)));
        }
        return BlockWriter.write(parent, name, result, level, sources, rollupMinSpanMs, maxSegmentBytes);
    }

    /** Whether the sources' chunks, in order, are time-ordered without overlap and all full but the last. */
    static boolean alreadyCut(final List<Object[]> sources, final int maxSamples) {
        long lastMaxTime = Long.MIN_VALUE;
        boolean first = true;
        boolean lastWasFull = true;
        for (final Object[] src : sources) {
            final SeriesEntry e = (SeriesEntry) src[1];
            for (int i = 0; i < e.chunkRefs().length; i++) {
                final int count = e.chunkSamples()[i];
                if (!lastWasFull || count < 1 || count > maxSamples
                    || !first && e.chunkMinTimes()[i] <= lastMaxTime || e.chunkMaxTimes()[i] < e.chunkMinTimes()[i]) {
                    return false;
                }
                first = false;
                lastWasFull = count == maxSamples;
                lastMaxTime = e.chunkMaxTimes()[i];
            }
        }
        return true;
    }

    private static List<HeadChunk> copyChunks(final List<Object[]> sources) {
        final List<HeadChunk> chunks = new ArrayList<>();
        for (final Object[] src : sources) {
            final Block b = (Block) src[0];
            final SeriesEntry e = (SeriesEntry) src[1];
            for (int i = 0; i < e.chunkRefs().length; i++) {
                final int at = b.chunkAt(e, i);
                final ByteBuffer segment = b.chunkSegment(e, i);
                final byte[] data = new byte[Block.chunkLength(segment, at)];
                segment.get(at, data);
                chunks.add(new HeadChunk(e.chunkMinTimes()[i], e.chunkMaxTimes()[i], e.chunkSamples()[i], data));
            }
        }
        return chunks;
    }

    /** Appends every sample of {@code e} in {@code b} to {@code into}. */
    public static void readAll(final Block b, final SeriesEntry e, final ChunkReader reader,
                               final SampleBuffer into) {
        for (int i = 0; i < e.chunkRefs().length; i++) {
            b.readChunk(e, i, reader);
            for (int j = 0; j < reader.count(); j++) {
                into.add(reader.timestampAt(j), reader.valueBitsAt(j));
            }
        }
    }

    /** Cuts sorted samples into encoded chunks of at most {@code maxSamples}. */
    public static List<HeadChunk> rechunk(final SampleBuffer samples, final ChunkWriter writer, final BitWriter out,
                                          final int maxSamples) {
        final List<HeadChunk> chunks = new ArrayList<>();
        for (int from = 0; from < samples.size(); from += maxSamples) {
            final int n = Math.min(maxSamples, samples.size() - from);
            writer.reset();
            for (int i = from; i < from + n; i++) {
                writer.appendBits(samples.timestampAt(i), samples.valueBitsAt(i));
            }
            out.reset();
            writer.encode(out);
            chunks.add(new HeadChunk(samples.timestampAt(from), samples.timestampAt(from + n - 1), n,
                out.toByteArray()));
        }
        return chunks;
    }
}
