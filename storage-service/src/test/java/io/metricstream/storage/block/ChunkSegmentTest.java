package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.IndexWriter;
import io.metricstream.storage.index.SeriesEntry;
import io.metricstream.storage.tool.BlockInspector;
import io.metricstream.testsupport.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Chunk segment files: rolling at the limit, refs across segments, compaction, the version 1 layout, corruption. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChunkSegmentTest {
    private static final int HEADER = ChunkSegmentDescriptor.HEADER_LENGTH;
    private static final int OVERHEAD = ChunkSegmentDescriptor.RECORD_OVERHEAD;

    @TempDir
    Path dir;

    @Test
    void shouldReadEverySampleBackWhenTinySegmentsGoThroughCompactionAndReopen() throws IOException {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        int segments = 0;
        for (int run = 0; run < 6; run++) {
            final String what = "seed=" + seed + " run=" + run;
            final Path runDir = Files.createDirectories(dir.resolve("run" + run));
            final long limit = run == 0 ? 4096 : rnd.nextLong(64, 8192);
            final List<Block> inputs = new ArrayList<>();
            final Map<LabelSet, TreeMap<Long, Long>> merged = new TreeMap<>();
            final int blocks = rnd.nextInt(2, 4);
            for (int b = 0; b < blocks; b++) {
                final Map<LabelSet, TreeMap<Long, Long>> model = new TreeMap<>();
                final List<BlockWriter.SeriesChunks> series = randomSeries(rnd, b, model);
                final BlockMeta meta = BlockWriter.write(runDir, "b" + b, series, 1, List.of(), Long.MAX_VALUE, limit);
                final Block block = Block.open(runDir.resolve("b" + b));
                assertEquals(meta.chunkSegments(), block.chunkSegmentCount(), what);
                assertEquals(BlockMeta.VERSION_CHUNK_SEGMENTS, block.meta().version(), what);
                assertSegmentsWithinLimit(block, limit, what);
                assertEquals(model, contents(block), what);
                // the older block wins on equal timestamps, as compaction merges them
                model.forEach((labels, samples) -> samples.forEach((t, v) ->
                    merged.computeIfAbsent(labels, k -> new TreeMap<>()).putIfAbsent(t, v)));
                inputs.add(block);
                segments += block.chunkSegmentCount();
            }
            final boolean copy = rnd.nextBoolean();
            Compactor.merge(runDir, "m", inputs, 2, 240, (l, s) -> { }, Long.MAX_VALUE, l -> !copy, limit);
            final Block reopened = Block.open(runDir.resolve("m"));
            assertSegmentsWithinLimit(reopened, limit, what);
            assertEquals(merged, contents(reopened), what + " copy=" + copy);
            assertEquals(filesBytes(runDir.resolve("m")), reopened.sizeBytes(), what);
        }
        assertTrue(segments > 50, "dozens of segments: " + segments + " seed=" + seed);
    }

    @Test
    void shouldGiveAChunkLargerThanTheLimitASegmentOfItsOwn() throws IOException {
        final List<HeadChunk> chunks = List.of(chunk(0, 3, 1.0), chunk(10_000_000, 240, 0.0),
            chunk(20_000_000, 2, 2.0), chunk(30_000_000, 240, 0.0));
        final int limit = HEADER + chunks.getFirst().data().length + OVERHEAD + chunks.get(2).data().length + OVERHEAD;
        assertTrue(chunks.get(1).data().length > limit);
        BlockWriter.write(dir, "b", List.of(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m"), chunks)), 1,
            List.of(), Long.MAX_VALUE, limit);
        final Block block = Block.open(dir.resolve("b"));
        final long[] refs = block.index().series(0).chunkRefs();
        // small, big alone, small (its successor is big, so it is alone too), big alone
        assertEquals(List.of(ref(1, HEADER), ref(2, HEADER), ref(3, HEADER), ref(4, HEADER)), toList(refs));
        assertEquals(4, block.chunkSegmentCount());
        assertEquals(HEADER + chunks.get(1).data().length + OVERHEAD, block.chunkSegmentBytes(1));
        assertEquals(sampleCount(chunks), contents(block).get(LabelSet.of("__name__", "m")).size());
    }

    @Test
    void shouldPutRefsAtSegmentBoundariesWhenRecordsFillSegmentsExactly() throws IOException {
        final List<HeadChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chunks.add(chunk(i * 1_000_000L, 10, 5.0));
        }
        final int record = chunks.getFirst().data().length + OVERHEAD;
        for (final HeadChunk c : chunks) {
            assertEquals(record, c.data().length + OVERHEAD, "chunks of one shape encode to one size");
        }
        final LabelSet labels = LabelSet.of("__name__", "m");
        // exactly two records fit: the third starts segment 2 at the header
        BlockWriter.write(dir, "two", List.of(new BlockWriter.SeriesChunks(labels, chunks)), 1, List.of(),
            Long.MAX_VALUE, HEADER + 2L * record);
        final Block two = Block.open(dir.resolve("two"));
        assertEquals(List.of(ref(1, HEADER), ref(1, HEADER + record), ref(2, HEADER), ref(2, HEADER + record),
            ref(3, HEADER)), toList(two.index().series(0).chunkRefs()));
        assertEquals(List.of(HEADER + 2 * record, HEADER + 2 * record, HEADER + record), segmentSizes(two));
        // one byte less: one record per segment
        BlockWriter.write(dir, "one", List.of(new BlockWriter.SeriesChunks(labels, chunks)), 1, List.of(),
            Long.MAX_VALUE, HEADER + 2L * record - 1);
        final Block one = Block.open(dir.resolve("one"));
        assertEquals(List.of(ref(1, HEADER), ref(2, HEADER), ref(3, HEADER), ref(4, HEADER), ref(5, HEADER)),
            toList(one.index().series(0).chunkRefs()));
        for (final Block b : List.of(two, one)) {
            assertEquals(sampleCount(chunks), contents(b).get(labels).size());
            final SeriesEntry e = b.index().series(0);
            for (int i = 0; i < chunks.size(); i++) {
                final int at = b.chunkAt(e, i);
                final ByteBuffer segment = b.chunkSegment(e, i);
                final byte[] copy = new byte[Block.chunkLength(segment, at)];
                segment.get(at, copy);
                assertEquals(ByteBuffer.wrap(chunks.get(i).data()), ByteBuffer.wrap(copy), "chunk " + i);
            }
        }
    }

    @Test
    void shouldNameTheFileWhenASegmentIsMissing() throws IOException {
        writeManySegments();
        Files.delete(ChunkSegmentDescriptor.path(dir.resolve("b"), 2));
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> Block.open(dir.resolve("b")));
        assertTrue(e.source().endsWith("chunks/000002"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("b"), out);
        assertTrue(out.toString().contains("CORRUPT") && out.toString().contains("chunks/000002"), out.toString());
    }

    @Test
    void shouldNameTheFileWhenASegmentHasABadMagic() throws IOException {
        writeManySegments();
        damage(ChunkSegmentDescriptor.path(dir.resolve("b"), 3), 0);
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> Block.open(dir.resolve("b")));
        assertTrue(e.source().endsWith("chunks/000003"), e.getMessage());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void shouldNameTheFileWhenASegmentIsTruncatedBelowItsHeader() throws IOException {
        writeManySegments();
        final Path p = ChunkSegmentDescriptor.path(dir.resolve("b"), 2);
        Files.write(p, new byte[] {0x4D, 0x53});
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> Block.open(dir.resolve("b")));
        assertTrue(e.source().endsWith("chunks/000002"), e.getMessage());
    }

    @Test
    void shouldNameTheSegmentAndOffsetWhenAChunkInALaterSegmentIsCorrupt() throws IOException {
        writeManySegments();
        final Path p = ChunkSegmentDescriptor.path(dir.resolve("b"), 4);
        damage(p, HEADER + 6);
        final Block block = Block.open(dir.resolve("b"));
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> contents(block));
        assertTrue(e.source().endsWith("chunks/000004"), e.getMessage());
        assertEquals(HEADER, e.offset(), e.getMessage());
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("b"), out);
        assertTrue(out.toString().contains("corruptChunks=1"), out.toString());
        assertTrue(out.toString().contains("chunks/000004, offset=8"), out.toString());
    }

    @Test
    void shouldFailTypedWhenARefPointsPastTheLastSegment() throws IOException {
        final BlockMeta meta = writeManySegments();
        final BlockMeta fewer = new BlockMeta(meta.version(), meta.name(), meta.minTimeMs(), meta.maxTimeMs(),
            meta.samples(), meta.series(), meta.chunks(), 2, meta.level(), meta.sources());
        Files.write(dir.resolve("b").resolve(BlockMeta.FILE), fewer.toJson());
        final Block block = Block.open(dir.resolve("b"));
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> contents(block));
        assertTrue(e.getMessage().contains("outside the block's segments [1, 2]"), e.getMessage());
    }

    @Test
    void shouldFailTypedWhenMetaVersionIsUnknown() throws IOException {
        writeManySegments();
        final Path meta = dir.resolve("b").resolve(BlockMeta.FILE);
        Files.writeString(meta, Files.readString(meta).replace("\"version\" : 2", "\"version\" : 3"));
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> Block.open(dir.resolve("b")));
        assertTrue(e.source().endsWith(BlockMeta.FILE) && e.getMessage().contains("version 3"), e.getMessage());
    }

    @Test
    void shouldCountEverySegmentWhenSizingABlockForRetention() throws IOException {
        writeManySegments();
        final Block block = Block.open(dir.resolve("b"));
        long segments = 0;
        for (int k = 0; k < block.chunkSegmentCount(); k++) {
            segments += block.chunkSegmentBytes(k);
        }
        assertTrue(block.chunkSegmentCount() > 10);
        assertEquals(filesBytes(dir.resolve("b")), block.sizeBytes());
        assertTrue(block.sizeBytes() > segments);
        assertEquals(List.of(block), Retention.expired(List.of(block), 0, 0, segments, 0));
        assertEquals(List.of(), Retention.expired(List.of(block), 0, 0, block.sizeBytes(), 0));
    }

    @Test
    void shouldListSegmentsWhenInspecting() throws IOException {
        final BlockMeta meta = writeManySegments();
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("b"), out);
        final String report = out.toString();
        assertTrue(report.contains("chunk segments=" + meta.chunkSegments() + " layout=v2"), report);
        assertTrue(report.contains("chunks/000001 bytes="), report);
        assertTrue(report.contains("chunks/" + ChunkSegmentDescriptor.fileName(meta.chunkSegments()) + " bytes="),
            report);
        assertTrue(report.contains("chunk ref=2:8 "), report);
        assertTrue(report.contains("corruptChunks=0"), report);
    }

    @Test
    void shouldReadAVersion1BlockWhenItHasOneChunksFile() throws IOException {
        final SplittableRandom rnd = new SplittableRandom(7);
        final Map<LabelSet, TreeMap<Long, Long>> model = new TreeMap<>();
        final List<BlockWriter.SeriesChunks> series = randomSeries(rnd, 0, model);
        writeVersion1(dir.resolve("v1"), series);
        final Block block = Block.open(dir.resolve("v1"));
        assertEquals(BlockMeta.VERSION_CHUNKS_FILE, block.meta().version());
        assertEquals(1, block.chunkSegmentCount());
        assertTrue(block.chunkSegmentSource(0).endsWith("v1/chunks"), block.chunkSegmentSource(0));
        assertEquals(model, contents(block));
        assertEquals(filesBytes(dir.resolve("v1")), block.sizeBytes());
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("v1"), out);
        assertTrue(out.toString().contains("layout=v1") && out.toString().contains("corruptChunks=0"),
            out.toString());
        assertTrue(out.toString().contains("chunk ref=0:8 "), out.toString());
        // compaction rewrites it in the new layout, samples unchanged
        Compactor.merge(dir, "m", List.of(block), 2, 240, (l, s) -> { }, Long.MAX_VALUE, l -> false, 1024);
        final Block merged = Block.open(dir.resolve("m"));
        assertEquals(BlockMeta.VERSION_CHUNK_SEGMENTS, merged.meta().version());
        assertTrue(merged.chunkSegmentCount() > 1);
        assertEquals(model, contents(merged));
    }

    @Test
    void shouldNameTheChunksFileWhenAVersion1ChunkIsCorrupt() throws IOException {
        writeVersion1(dir.resolve("v1"), randomSeries(new SplittableRandom(3), 0, new TreeMap<>()));
        damage(dir.resolve("v1").resolve(BlockWriter.CHUNKS), 30);
        final Block block = Block.open(dir.resolve("v1"));
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> contents(block));
        assertTrue(e.source().endsWith("v1/chunks"), e.getMessage());
    }

    @Test
    void shouldRejectASegmentLimitThatCannotHoldARecord() {
        assertThrows(IllegalArgumentException.class, () -> BlockWriter.write(dir, "b",
            List.of(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m"), List.of(chunk(0, 2, 1.0)))), 1,
            List.of(), 0, 15));
        assertThrows(IllegalArgumentException.class, () -> BlockWriter.write(dir, "c",
            List.of(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m"), List.of(chunk(0, 2, 1.0)))), 1,
            List.of(), 0, Integer.MAX_VALUE + 1L));
    }

    /** A block of 20 series × 500 varied samples in segments of 1 KiB (dozens of them). */
    private BlockMeta writeManySegments() throws IOException {
        final List<BlockWriter.SeriesChunks> series = new ArrayList<>();
        final SplittableRandom rnd = new SplittableRandom(11);
        for (int s = 0; s < 20; s++) {
            final SampleBuffer b = new SampleBuffer(500);
            for (int i = 0; i < 500; i++) {
                b.add(i * 15_000L, Double.doubleToRawLongBits(rnd.nextDouble()));
            }
            series.add(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m", "s", Integer.toString(s)),
                Compactor.rechunk(b, new ChunkWriter(240), new BitWriter(256), 60)));
        }
        return BlockWriter.write(dir, "b", series, 1, List.of(), Long.MAX_VALUE, 1024);
    }

    /** Writes a block as the code before segments did: one {@code chunks} file, refs = offsets, meta version 1. */
    static void writeVersion1(final Path block, final List<BlockWriter.SeriesChunks> input) throws IOException {
        Files.createDirectories(block);
        final List<BlockWriter.SeriesChunks> series = new ArrayList<>(input);
        series.sort((a, b) -> a.labels().compareTo(b.labels()));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x4D53434B);
        out.writeInt(1);
        final IndexWriter index = new IndexWriter();
        long minT = Long.MAX_VALUE;
        long maxT = Long.MIN_VALUE;
        long samples = 0;
        long chunkCount = 0;
        final CRC32C crc = new CRC32C();
        for (final BlockWriter.SeriesChunks s : series) {
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
        Files.write(block.resolve(BlockWriter.CHUNKS), bytes.toByteArray());
        index.write(block.resolve(BlockWriter.INDEX));
        // the meta.json bytes the version 1 writer produced
        final String name = block.getFileName().toString();
        Files.writeString(block.resolve(BlockMeta.FILE), "{\n  \"version\" : 1,\n  \"name\" : \"" + name + "\",\n"
            + "  \"minTime\" : " + minT + ",\n  \"maxTime\" : " + maxT + ",\n  \"stats\" : {\n    \"numSamples\" : "
            + samples + ",\n    \"numSeries\" : " + series.size() + ",\n    \"numChunks\" : " + chunkCount
            + "\n  },\n  \"compaction\" : {\n    \"level\" : 1,\n    \"sources\" : [ \"" + name + "\" ]\n  }\n}",
            StandardCharsets.UTF_8);
    }

    private static List<BlockWriter.SeriesChunks> randomSeries(final SplittableRandom rnd, final int window,
                                                               final Map<LabelSet, TreeMap<Long, Long>> model) {
        final List<BlockWriter.SeriesChunks> out = new ArrayList<>();
        final ChunkWriter writer = new ChunkWriter(240);
        final BitWriter bits = new BitWriter(256);
        final int seriesCount = rnd.nextInt(15, 40);
        for (int s = 0; s < seriesCount; s++) {
            if (rnd.nextInt(5) == 0) {
                continue; // absent from this block
            }
            final SampleBuffer samples = new SampleBuffer(64);
            final TreeMap<Long, Long> m = new TreeMap<>();
            final int kind = rnd.nextInt(3);
            final int n = rnd.nextInt(1, 1500);
            long t = window * 10_000_000L - rnd.nextLong(0, 1_000_000);
            for (int i = 0; i < n; i++) {
                final double v = switch (kind) {
                    case 0 -> rnd.nextInt(10_000) / 100.0;
                    case 1 -> rnd.nextDouble() * 1e6;
                    default -> rnd.nextInt(30) == 0 ? Double.NaN : rnd.nextInt(3);
                };
                samples.add(t, Double.doubleToRawLongBits(v));
                m.put(t, Double.doubleToRawLongBits(v));
                t += rnd.nextLong(1, 30_000);
            }
            final LabelSet labels = LabelSet.of("__name__", "m", "s", Integer.toString(s));
            out.add(new BlockWriter.SeriesChunks(labels, Compactor.rechunk(samples, writer, bits,
                rnd.nextInt(1, 241))));
            model.put(labels, m);
        }
        return out;
    }

    private static HeadChunk chunk(final long fromMs, final int samples, final double step) {
        final SampleBuffer b = new SampleBuffer(samples);
        final SplittableRandom rnd = new SplittableRandom(fromMs);
        for (int i = 0; i < samples; i++) {
            b.add(fromMs + i * 15_000L, Double.doubleToRawLongBits(step == 0 ? rnd.nextDouble() : i * step));
        }
        return Compactor.rechunk(b, new ChunkWriter(240), new BitWriter(256), samples).getFirst();
    }

    private static Map<LabelSet, TreeMap<Long, Long>> contents(final Block block) {
        final Map<LabelSet, TreeMap<Long, Long>> out = new TreeMap<>();
        final ChunkReader reader = new ChunkReader();
        for (int id = 0; id < block.index().seriesCount(); id++) {
            final SeriesEntry e = block.index().series(id);
            final SampleBuffer b = new SampleBuffer(16);
            Compactor.readAll(block, e, reader, b);
            final TreeMap<Long, Long> m = new TreeMap<>();
            for (int i = 0; i < b.size(); i++) {
                m.put(b.timestampAt(i), b.valueBitsAt(i));
            }
            out.put(e.labels(), m);
        }
        return out;
    }

    /** Every segment is within the limit, or holds exactly one record (a chunk larger than the limit). */
    private static void assertSegmentsWithinLimit(final Block block, final long limit, final String what) {
        final int[] records = new int[block.chunkSegmentCount()];
        for (int id = 0; id < block.index().seriesCount(); id++) {
            for (final long ref : block.index().series(id).chunkRefs()) {
                records[ChunkSegmentDescriptor.segment(ref) - ChunkSegmentDescriptor.FIRST_SEGMENT]++;
            }
        }
        for (int k = 0; k < records.length; k++) {
            assertTrue(records[k] >= 1, what + " empty segment " + k);
            assertTrue(block.chunkSegmentBytes(k) <= limit || records[k] == 1, what + " segment " + k + " bytes="
                + block.chunkSegmentBytes(k) + " records=" + records[k] + " limit=" + limit);
        }
    }

    private static long filesBytes(final Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (final Path p : s.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
        }
        return total;
    }

    private static void damage(final Path file, final int at) throws IOException {
        final byte[] bytes = Files.readAllBytes(file);
        bytes[at] ^= 0x5A;
        Files.write(file, bytes);
    }

    private static long ref(final int segment, final int offset) {
        return ChunkSegmentDescriptor.ref(segment, offset);
    }

    private static List<Long> toList(final long[] refs) {
        final List<Long> out = new ArrayList<>();
        for (final long r : refs) {
            out.add(r);
        }
        return out;
    }

    private static List<Integer> segmentSizes(final Block block) {
        final List<Integer> out = new ArrayList<>();
        for (int k = 0; k < block.chunkSegmentCount(); k++) {
            out.add(block.chunkSegmentBytes(k));
        }
        return out;
    }

    private static int sampleCount(final List<HeadChunk> chunks) {
        int n = 0;
        for (final HeadChunk c : chunks) {
            n += c.count();
        }
        return n;
    }
}
