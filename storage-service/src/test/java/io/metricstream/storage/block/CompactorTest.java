package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.index.SeriesEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompactorTest {
    private static final long D = 3_600_000L;

    @TempDir
    Path dir;

    private static TreeMap<String, TreeMap<Long, Long>> contents(final List<Block> blocks) {
        final TreeMap<String, TreeMap<Long, Long>> out = new TreeMap<>();
        final ChunkReader r = new ChunkReader();
        for (final Block b : blocks) {
            for (int id = 0; id < b.index().seriesCount(); id++) {
                final SeriesEntry e = b.index().series(id);
                final SampleBuffer buf = new SampleBuffer(16);
                Compactor.readAll(b, e, r, buf);
                final TreeMap<Long, Long> m = out.computeIfAbsent(e.labels().toString(), k -> new TreeMap<>());
                for (int i = 0; i < buf.size(); i++) {
                    m.putIfAbsent(buf.timestampAt(i), buf.valueBitsAt(i));
                }
            }
        }
        return out;
    }

    @Test
    void shouldKeepEverySampleExactlyWhenThreeBlocksMerge() throws IOException {
        final List<Block> inputs = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            BlockWriter.write(dir, "b" + w, BlockTest.sampleSeries(5 + w, w * D, 240), 1, List.of());
            inputs.add(Block.open(dir.resolve("b" + w)));
        }
        final List<List<Block>> plan = Compactor.plan(inputs, D, 3, 4);
        assertEquals(1, plan.size());
        final BlockMeta merged = Compactor.merge(dir, "m", plan.getFirst(), 2, 240, (l, s) -> { });
        assertEquals(List.of("b0", "b1", "b2"), merged.sources());
        assertEquals(2, merged.level());
        assertEquals(contents(inputs), contents(List.of(Block.open(dir.resolve("m")))));
    }

    @Test
    void shouldDropDuplicatesAndTombstonedSamplesWhenOverlappingBlocksMerge() throws IOException {
        BlockWriter.write(dir, "a", BlockTest.sampleSeries(2, 0, 100), 1, List.of());
        BlockWriter.write(dir, "b", BlockTest.sampleSeries(2, 0, 200), 1, List.of());
        final List<Block> in = List.of(Block.open(dir.resolve("a")), Block.open(dir.resolve("b")));
        assertEquals(1, Compactor.plan(in, D * 10, 3, 4).size());
        final LabelSet victim = LabelSet.of("__name__", "m", "host", "h0", "job", "j0");
        final BlockMeta m = Compactor.merge(dir, "c", in, 2, 240, (labels, samples) -> {
            if (labels.equals(victim)) {
                samples.removeRange(0, 15_000L * 49);
            }
        });
        assertEquals(200 + 150, m.samples());
        final TreeMap<String, TreeMap<Long, Long>> expected = contents(in);
        expected.get(victim.toString()).headMap(15_000L * 49, true).clear();
        assertEquals(expected, contents(List.of(Block.open(dir.resolve("c")))));
    }

    @Test
    void shouldDeleteOldestBlocksWhenAgeFromNewestSampleOrTotalSizeExceedsLimits() throws IOException {
        final List<Block> blocks = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            // 1970: ages count back from the newest sample, not the wall clock
            BlockWriter.write(dir, "r" + w, BlockTest.sampleSeries(2, w * D, 240), 1, List.of());
            blocks.add(Block.open(dir.resolve("r" + w)));
        }
        final long newest = blocks.get(3).meta().maxTimeMs();
        assertEquals(List.of(), Retention.expired(blocks, newest, 100 * D, 0, 0));
        assertEquals(List.of(blocks.get(0), blocks.get(1)), Retention.expired(blocks, newest, 2 * D - 1, 0, 0));
        assertEquals(List.of(blocks.get(0)), Retention.expired(blocks, newest, 2 * D, 0, 0));
        final long twoBlocks = blocks.get(2).sizeBytes() + blocks.get(3).sizeBytes();
        assertEquals(List.of(blocks.get(1), blocks.get(0)), Retention.expired(blocks, newest, 0, twoBlocks, 0));
        // deleted blocks still mapped hold their space: they count against the size limit
        assertEquals(List.of(blocks.get(2), blocks.get(1), blocks.get(0)),
            Retention.expired(blocks, newest, 0, twoBlocks, blocks.get(2).sizeBytes()));
    }
}
