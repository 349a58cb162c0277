package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.index.SeriesEntry;
import io.metricstream.storage.tool.BlockInspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockTest {
    /** The first (here only) chunk segment file of a block. */
    private static final String SEGMENT_1 = BlockWriter.CHUNKS + "/" + ChunkSegmentDescriptor.fileName(1);

    @TempDir
    Path dir;

    static List<BlockWriter.SeriesChunks> sampleSeries(final int series, final long fromMs, final int samples) {
        final List<BlockWriter.SeriesChunks> out = new ArrayList<>();
        final ChunkWriter writer = new ChunkWriter(240);
        final BitWriter bits = new BitWriter(256);
        for (int s = 0; s < series; s++) {
            final SampleBuffer b = new SampleBuffer(samples);
            for (int i = 0; i < samples; i++) {
                b.add(fromMs + i * 15_000L, Double.doubleToRawLongBits(s * 1000 + i / 100.0));
            }
            out.add(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m", "host", "h" + s, "job", "j" + (s % 3)),
                Compactor.rechunk(b, writer, bits, 240)));
        }
        return out;
    }

    @Test
    void shouldReadBackEverySampleWhenBlockIsWritten() throws IOException {
        final BlockMeta meta = BlockWriter.write(dir, "b1", sampleSeries(20, 1000, 500), 1, List.of());
        final Block block = Block.open(dir.resolve("b1"));
        assertEquals(20, block.index().seriesCount());
        assertEquals(10_000, meta.samples());
        assertEquals(1000, block.meta().minTimeMs());
        assertEquals(1000 + 499 * 15_000L, block.meta().maxTimeMs());
        assertEquals(7, block.index().postings("job", "j0").length);
        final ChunkReader reader = new ChunkReader();
        for (int id = 0; id < 20; id++) {
            final SeriesEntry e = block.index().series(id);
            final SampleBuffer b = new SampleBuffer(16);
            Compactor.readAll(block, e, reader, b);
            final int s = Integer.parseInt(e.labels().get("host").substring(1));
            assertEquals(500, b.size());
            for (int i = 0; i < 500; i++) {
                assertEquals(1000 + i * 15_000L, b.timestampAt(i));
                assertEquals(s * 1000 + i / 100.0, Double.longBitsToDouble(b.valueBitsAt(i)));
            }
        }
        assertTrue(Files.notExists(dir.resolve("b1.tmp")));
    }

    private void corrupt(final String file, final Consumer<byte[]> damage) throws IOException {
        BlockWriter.write(dir, "b", sampleSeries(3, 0, 300), 1, List.of());
        final Path p = dir.resolve("b").resolve(file);
        final byte[] bytes = Files.readAllBytes(p);
        damage.accept(bytes);
        Files.write(p, bytes);
    }

    private ChunkCorruptException readEverything() {
        return assertThrows(ChunkCorruptException.class, () -> {
            final Block block = Block.open(dir.resolve("b"));
            for (int id = 0; id < block.index().seriesCount(); id++) {
                Compactor.readAll(block, block.index().series(id), new ChunkReader(), new SampleBuffer(16));
            }
        });
    }

    @Test
    void shouldNameFileAndOffsetWhenChunkByteIsFlipped() throws IOException {
        corrupt(SEGMENT_1, b -> b[100] ^= 1);
        final ChunkCorruptException e = readEverything();
        assertTrue(e.source().endsWith(SEGMENT_1), e.getMessage());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void shouldFailTypedWhenChunksFileIsTruncated() throws IOException {
        BlockWriter.write(dir, "b", sampleSeries(3, 0, 300), 1, List.of());
        final Path p = dir.resolve("b").resolve(SEGMENT_1);
        final byte[] bytes = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(readEverything().offset() > 0);
    }

    @Test
    void shouldFailTypedWhenIndexByteIsFlipped() throws IOException {
        corrupt(BlockWriter.INDEX, b -> b[b.length / 2] ^= 0x10);
        assertTrue(readEverything().source().endsWith(BlockWriter.INDEX));
    }

    @Test
    void shouldFailTypedWhenMetaIsNotJson() throws IOException {
        corrupt(BlockMeta.FILE, b -> b[0] = 'x');
        assertTrue(readEverything().source().endsWith(BlockMeta.FILE));
    }

    @Test
    void shouldReportCorruptChunkWithOffsetWhenInspecting() throws IOException {
        corrupt(SEGMENT_1, b -> b[60] ^= 4);
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("b"), out);
        assertTrue(out.toString().contains("CORRUPT"), out.toString());
        assertTrue(out.toString().contains("corruptChunks=1"), out.toString());
    }

    @Test
    void shouldPrintSeriesAndVerifiedSamplesWhenInspectingGoodBlock() throws IOException {
        BlockWriter.write(dir, "b", sampleSeries(2, 0, 300), 1, List.of());
        final StringBuilder out = new StringBuilder();
        BlockInspector.inspect(dir.resolve("b"), out);
        assertTrue(out.toString().contains("verified samples=600 corruptChunks=0"), out.toString());
        assertTrue(out.toString().contains("m{host=\"h1\", job=\"j1\"}"), out.toString());
    }
}
