package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.storage.head.HeadChunk;
import io.metricstream.storage.index.SeriesEntry;
import io.metricstream.testsupport.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction copying already-cut chunks as stored against the decode-and-re-encode path: seeded random blocks
 * (series cut into full chunks, cut short, overlapping across blocks, missing from some blocks; decimal, float,
 * NaN and repeated values) merge into byte-identical blocks (every file, rollups included) either way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompactorCopyTest {
    private static final long D = 100_000;
    private static final int MAX = 8;

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameBytesAsDecodingWhenChunksAreCopied() throws IOException {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        int copiedSeries = 0;
        int decodedSeries = 0;
        for (int run = 0; run < 40; run++) {
            final Path in = Files.createDirectories(dir.resolve("in" + run));
            final List<Block> inputs = new ArrayList<>();
            final int blocks = rnd.nextInt(2, 5);
            for (int b = 0; b < blocks; b++) {
                // inputs and output with segments of any size: small ones put series across segment boundaries
                BlockWriter.write(in, "b" + b, randomSeries(rnd, b), 1, List.of(), Long.MAX_VALUE,
                    segmentBytes(rnd));
                inputs.add(Block.open(in.resolve("b" + b)));
            }
            for (final List<Object[]> sources : sourcesBySeries(inputs)) {
                if (Compactor.alreadyCut(sources, MAX)) {
                    copiedSeries++;
                } else {
                    decodedSeries++;
                }
            }
            final long rollupSpan = rnd.nextBoolean() ? 0 : Long.MAX_VALUE;
            final Path copied = Files.createDirectories(dir.resolve("copied" + run));
            final Path decoded = Files.createDirectories(dir.resolve("decoded" + run));
            final long segmentBytes = segmentBytes(rnd);
            Compactor.merge(copied, "m", inputs, 2, MAX, (l, s) -> { }, rollupSpan, l -> false, segmentBytes);
            Compactor.merge(decoded, "m", inputs, 2, MAX, (l, s) -> { }, rollupSpan, l -> true, segmentBytes);
            assertSameFiles(decoded.resolve("m"), copied.resolve("m"), "seed=" + seed + " run=" + run);
        }
        assertTrue(copiedSeries > 50 && decodedSeries > 50, "both paths ran: copied=" + copiedSeries
            + " decoded=" + decodedSeries + " seed=" + seed);
    }

    private static long segmentBytes(final SplittableRandom rnd) {
        return rnd.nextBoolean() ? ChunkSegmentDescriptor.DEFAULT_MAX_SEGMENT_BYTES : rnd.nextLong(512, 4096);
    }

    private static List<List<Object[]>> sourcesBySeries(final List<Block> inputs) {
        final java.util.TreeMap<LabelSet, List<Object[]>> m = new java.util.TreeMap<>();
        for (final Block b : inputs) {
            for (int id = 0; id < b.index().seriesCount(); id++) {
                final SeriesEntry e = b.index().series(id);
                m.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(new Object[] {b, e});
            }
        }
        return new ArrayList<>(m.values());
    }

    private static List<BlockWriter.SeriesChunks> randomSeries(final SplittableRandom rnd, final int window) {
        final List<BlockWriter.SeriesChunks> out = new ArrayList<>();
        final ChunkWriter writer = new ChunkWriter(MAX * 4);
        final BitWriter bits = new BitWriter(256);
        for (int s = 0; s < 12; s++) {
            if (rnd.nextInt(6) == 0) {
                continue; // absent from this block
            }
            final SampleBuffer samples = new SampleBuffer(64);
            final int kind = rnd.nextInt(4);
            // mostly whole windows of full chunks, as the head cuts them; sometimes short or overlapping the next
            final int n = rnd.nextInt(3) == 0 ? rnd.nextInt(1, 4 * MAX) : MAX * rnd.nextInt(1, 4);
            final long start = window * D - (rnd.nextInt(8) == 0 ? rnd.nextLong(0, D / 2) : 0);
            long t = start;
            for (int i = 0; i < n; i++) {
                final double v = switch (kind) {
                    case 0 -> rnd.nextInt(10_000) / 100.0;
                    case 1 -> rnd.nextDouble() * 1e6;
                    case 2 -> rnd.nextInt(20) == 0 ? Double.NaN : rnd.nextInt(3);
                    default -> 42.0;
                };
                samples.add(t, Double.doubleToRawLongBits(v));
                t += rnd.nextLong(1, D / (4L * MAX));
            }
            final List<HeadChunk> chunks = rnd.nextInt(4) == 0
                ? cutRandomly(samples, writer, bits, rnd) : Compactor.rechunk(samples, writer, bits, MAX);
            out.add(new BlockWriter.SeriesChunks(LabelSet.of("__name__", "m", "s", Integer.toString(s)), chunks));
        }
        return out;
    }

    private static List<HeadChunk> cutRandomly(final SampleBuffer samples, final ChunkWriter writer,
                                               final BitWriter bits, final SplittableRandom rnd) {
        final List<HeadChunk> chunks = new ArrayList<>();
        for (int from = 0; from < samples.size();) {
            final int n = Math.min(samples.size() - from, rnd.nextInt(1, MAX * 2));
            final SampleBuffer part = new SampleBuffer(n);
            for (int i = from; i < from + n; i++) {
                part.add(samples.timestampAt(i), samples.valueBitsAt(i));
            }
            chunks.addAll(Compactor.rechunk(part, writer, bits, n));
            from += n;
        }
        return chunks;
    }

    private static void assertSameFiles(final Path want, final Path got, final String what) throws IOException {
        final List<Path> files = filesUnder(want);
        assertEquals(files, filesUnder(got), what);
        assertTrue(files.contains(Path.of(BlockWriter.CHUNKS, ChunkSegmentDescriptor.fileName(1))), what);
        for (final Path f : files) {
            assertArrayEquals(Files.readAllBytes(want.resolve(f)), Files.readAllBytes(got.resolve(f)),
                what + " file=" + f);
        }
    }

    private static List<Path> filesUnder(final Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }
}
