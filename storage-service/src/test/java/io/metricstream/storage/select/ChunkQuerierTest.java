package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.ChunkSegmentDescriptor;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.testsupport.Seeds;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SELECT_CHUNKS against SELECT through a real server: over seeded random data spread over blocks (overlapping ones
 * included), the head, out-of-order appends and tombstones, {@code selectChunks} decoded with
 * {@link SeriesChunks#decode} equals {@code select} for random ranges and matchers.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkQuerierTest {
    private static final long H = 3_600_000L;
    private static final DbOptions OPTIONS = new DbOptions(new HeadOptions(120, H, 15 * 60_000L, 1000, 16, 256),
        0, 0, 3, 4, 0);

    @TempDir
    Path dir;

    @Test
    void shouldDecodeToSelectAnswerWhenDataSpansBlocksHeadOutOfOrderAndTombstones() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final TimeSeriesDb db = TimeSeriesDb.open(dir.resolve("db"), OPTIONS, new HeadMetrics(new MetricsRegistry()));
        final long newest = RandomDb.fill(db, rnd, 8, 14, 15 * 60_000L, rnd.nextBoolean());
        assertTrue(!db.blocks().isEmpty() && db.head().registry().size() > 0, "blocks and head both hold data");
        assertTrue(db.tombstones().size() > 0, "tombstones present");
        final ChunkReader reader = new ChunkReader();
        long samples = 0;
        try (SelectServer server = new SelectServer(db, dir.resolve("server"), 2048 + rnd.nextInt(8192))) {
            for (int q = 0; q < 60; q++) {
                final long a = RandomDb.T0 - H + rnd.nextLong(0, newest - RandomDb.T0 + 2 * H);
                final long b = q % 6 == 0 ? Long.MAX_VALUE : a + rnd.nextLong(0, 10 * H);
                final List<LabelMatcher> matchers = RandomDb.matchers(rnd, 8);
                final SelectRequest request = new SelectRequest(q % 6 == 1 ? Long.MIN_VALUE : a, b, 0, matchers);
                final List<SeriesSamples> want = joined(server.client().select(request).get());
                final List<SeriesChunks> got = server.client().selectChunks(request).get();
                assertEquals(want.size(), got.size(), "seed=" + seed + " query " + q + " series count");
                for (int i = 0; i < want.size(); i++) {
                    final SeriesSamples w = want.get(i);
                    final SeriesSamples g = got.get(i).decode(request.minTimeMs(), request.maxTimeMs(), reader);
                    assertEquals(w.labels(), g.labels(), "seed=" + seed + " query " + q);
                    assertArrayEquals(w.timestamps(), g.timestamps(), "seed=" + seed + " query " + q);
                    assertArrayEquals(bits(w.values()), bits(g.values()), "seed=" + seed + " query " + q);
                    samples += w.size();
                }
            }
            assertTrue(samples > 0, "queries returned samples");
            final ExecutionException tooMany = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> server.client().selectChunks(new SelectRequest(Long.MIN_VALUE, Long.MAX_VALUE, 1,
                    List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")))).get());
            assertEquals(ErrorCode.LIMIT_EXCEEDED, ((ContractException) tooMany.getCause()).code());
        } finally {
            db.close();
        }
    }

    static List<SeriesSamples> joined(final List<SeriesSamples> in) {
        final List<SeriesSamples> out = new ArrayList<>();
        for (final SeriesSamples s : in) {
            if (!out.isEmpty() && out.getLast().labels().equals(s.labels())) {
                final SeriesSamples p = out.removeLast();
                final long[] ts = java.util.Arrays.copyOf(p.timestamps(), p.size() + s.size());
                final double[] vs = java.util.Arrays.copyOf(p.values(), p.size() + s.size());
                System.arraycopy(s.timestamps(), 0, ts, p.size(), s.size());
                System.arraycopy(s.values(), 0, vs, p.size(), s.size());
                out.add(new SeriesSamples(s.labels(), ts, vs));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static long[] bits(final double[] values) {
        final long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }

    @Test
    void shouldNameTheSegmentAndOffsetWhenAChunkItFiltersDoesNotDecode() throws Exception {
        final LabelSet series = LabelSet.of("__name__", "up", "job", "j");
        final Path db = dir.resolve("corrupt");
        try (TimeSeriesDb d = TimeSeriesDb.open(db, OPTIONS, new HeadMetrics(new MetricsRegistry()))) {
            for (int i = 0; i < 100; i++) {
                d.head().append(series, i * 1_000L, i);
            }
            d.flush(Long.MAX_VALUE);
        }
        final Path blockDir;
        try (java.util.stream.Stream<Path> blocks = Files.list(db.resolve("blocks"))) {
            blockDir = blocks.findFirst().orElseThrow();
        }
        // an unknown encoding under a valid CRC: the segment checks pass and only the decoder sees it
        final Path segment = ChunkSegmentDescriptor.path(blockDir, 1);
        final byte[] bytes = Files.readAllBytes(segment);
        final int record = ChunkSegmentDescriptor.HEADER_LENGTH;
        final int length = ByteBuffer.wrap(bytes).getInt(record);
        bytes[record + 4] = (byte) 0x7F;
        final CRC32C crc = new CRC32C();
        crc.update(bytes, record + 4, length);
        ByteBuffer.wrap(bytes).putInt(record + 4 + length, (int) crc.getValue());
        Files.write(segment, bytes);
        try (TimeSeriesDb d = TimeSeriesDb.open(db, OPTIONS, new HeadMetrics(new MetricsRegistry()))) {
            // straddling both ends of the range: decoded to drop the samples outside
            assertCorruptAt(d, segment, record + 4, 10_000, 20_000);
            // a tombstone over part of the chunk: decoded to drop the deleted samples
            d.delete(List.of(series), 50_000, 60_000);
            assertCorruptAt(d, segment, record + 4, 0, Long.MAX_VALUE);
        }
    }

    private static void assertCorruptAt(final TimeSeriesDb db, final Path segment, final int chunkAt, final long minT,
                                        final long maxT) {
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class,
            () -> new ChunkQuerier(db).select(List.of(LabelMatcher.eq("job", "j")), minT, maxT, 0, (l, c) -> { }));
        assertEquals(segment.toString(), e.source(), e.getMessage());
        // the encoding byte is the chunk's first: the decoder reports it at or right after it
        assertTrue(e.offset() >= chunkAt && e.offset() <= chunkAt + 1, e.getMessage());
    }
}
