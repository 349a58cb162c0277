package io.metricstream.query.warmup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.eval.QueryResult;
import io.metricstream.query.remote.ChunkDecoder;
import io.metricstream.runtime.lifecycle.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryWarmupTest {
    private final ChunkDecoder decoder = new ChunkDecoder(2);
    private final WarmupSource source = new WarmupSource(decoder, PooledByteBufAllocator.DEFAULT);
    private final Engine engine = new Engine(source, Engine.Options.DEFAULT);

    @AfterEach
    void close() {
        decoder.close();
    }

    @Test
    void shouldAnswerEveryWarmupQueryWithDataWhenRunOverSyntheticSeries() throws Exception {
        // a query that selects nothing would warm up nothing
        final long end = WarmupSource.START_MS + WarmupSource.SPAN_MS;
        for (final QueryWarmup.Query q : QueryWarmup.QUERIES) {
            final QueryResult r = q.instant() ? engine.instant(q.promql(), end)
                : engine.range(q.promql(), WarmupSource.START_MS, end, q.stepMs());
            final int n = r instanceof QueryResult.Matrix m ? m.series().size()
                : r instanceof QueryResult.Vector v ? v.samples().size() : 0;
            assertTrue(n > 0, () -> q.promql() + " answered nothing: " + r);
        }
    }

    @Test
    void shouldSendSeriesAsTwoEntriesThatDecodingJoinsBackIntoTheSameSeries() {
        // storage continues a series its answer frame cut: the warm-up's answers must make decoding join entries
        final List<LabelMatcher> cpu = List.of(LabelMatcher.eq("__name__", "warmup_cpu_percent"));
        final List<SeriesChunks> series = source.matching(cpu, WarmupSource.START_MS,
            WarmupSource.START_MS + WarmupSource.SPAN_MS);
        final List<SeriesChunks> entries = WarmupSource.entries(series);
        assertEquals(2 * series.size(), entries.size(), "every series of several chunks cut in two");
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer();
        try {
            SeriesChunks.encodeList(buf, entries);
            final List<SeriesChunks> decoded = new ArrayList<>();
            assertTrue(SeriesChunks.decodeList(new WireReader().wrap(buf, buf.readerIndex(), buf.readableBytes()), buf,
                decoded));
            assertEquals(series.size(), decoded.size(), "entries joined");
            for (int i = 0; i < series.size(); i++) {
                final SeriesChunks want = series.get(i);
                final SeriesChunks got = decoded.get(i);
                assertEquals(want.labels(), got.labels());
                assertArrayEquals(want.minTimes(), got.minTimes());
                assertArrayEquals(want.maxTimes(), got.maxTimes());
                assertEquals(want.chunkCount(), got.chunkCount());
                for (int c = 0; c < want.chunkCount(); c++) {
                    assertArrayEquals(want.chunks()[c], got.chunks()[c], "series " + i + " chunk " + c);
                }
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldAnswerOnlyChunksOverlappingTheRangeAsStorageDoes() {
        // storage never sends a chunk outside the range: the warm-up must not train RangeDecoding to skip one
        final List<LabelMatcher> cpu = List.of(LabelMatcher.eq("__name__", "warmup_cpu_percent"));
        final long end = WarmupSource.START_MS + WarmupSource.SPAN_MS;
        final long[][] ranges = {{WarmupSource.START_MS, end}, {end - 300_000, end}, {WarmupSource.START_MS + 3_600_000,
            WarmupSource.START_MS + 3_660_000}, {WarmupSource.START_MS - 600_000, WarmupSource.START_MS + 1}};
        for (final long[] r : ranges) {
            final List<SeriesChunks> all = source.matching(cpu, r[0], r[1]);
            assertEquals(WarmupSource.SERIES_PER_METRIC, all.size(), "series in " + r[0] + ".." + r[1]);
            for (final SeriesChunks s : all) {
                assertTrue(s.chunkCount() > 0);
                for (int c = 0; c < s.chunkCount(); c++) {
                    assertTrue(s.maxTimes()[c] >= r[0] && s.minTimes()[c] <= r[1],
                        "chunk " + c + " [" + s.minTimes()[c] + ", " + s.maxTimes()[c] + "] outside " + r[0] + ".."
                            + r[1]);
                }
            }
        }
        // the whole span keeps every chunk: 6 h of 15 s samples in chunks of 120
        final int chunks = (int) ((WarmupSource.SPAN_MS / WarmupSource.SCRAPE_MS + 1 + WarmupSource.CHUNK_SAMPLES - 1)
            / WarmupSource.CHUNK_SAMPLES);
        assertEquals(chunks, source.matching(cpu, WarmupSource.START_MS, end).getFirst().chunkCount());
        // minute 60 to 61 are samples 240-244 (a few jittered by < 40 ms): the third chunk only
        assertEquals(1, source.matching(cpu, WarmupSource.START_MS + 3_600_000, WarmupSource.START_MS + 3_660_000)
            .getFirst().chunkCount(), "one chunk");
        assertTrue(source.matching(cpu, end + 1, end + 600_000).isEmpty(), "nothing after the data");
    }

    @Test
    void shouldRunWholeRoundsOverHttpWhenSourceIsSynthetic() {
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 2, 60_000).run();
        assertNull(report.failure());
        assertEquals(2, report.rounds());
        assertEquals(2 * QueryWarmup.QUERIES.size(), report.queries());
    }

    @Test
    void shouldRunAtMostTheSettleRoundsAfterTheFixedOnesWhileTheJitCompiles() {
        // a fresh test JVM compiles throughout the first rounds: some settle rounds run, never more than allowed
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 1, 3, 60_000)
            .run();
        assertNull(report.failure());
        assertEquals(1, report.rounds());
        assertTrue(report.settleRounds() <= 3, "settle rounds " + report.settleRounds());
        assertTrue(report.settled() || report.settleRounds() == 3, report.toString());
        assertEquals((1 + report.settleRounds()) * QueryWarmup.QUERIES.size(), report.queries());
    }

    @Test
    void shouldRunOnlyTheFixedRoundsWhenSettlingIsOff() {
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 2, 0, 60_000)
            .run();
        assertNull(report.failure());
        assertEquals(0, report.settleRounds());
        assertFalse(report.settled(), "one fixed round after another cannot show two quiet rounds");
        assertEquals(2 * QueryWarmup.QUERIES.size(), report.queries());
    }

    @Test
    void shouldSelectThroughStorageProtocolWithSeveralFramesAndWindowsWhenWarmingUp() {
        // the engine's selects go through StorageFanout and StorageClient to the warm-up's storage server
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 1, 60_000).run();
        assertNull(report.failure());
        final QueryWarmup.Traffic t = report.storage();
        assertTrue(t.selectChunks() >= QueryWarmup.QUERIES.size(), t.toString());
        assertTrue(t.chunkFrames() > t.selectChunks(), "some answers span several frames: " + t);
        // the *_over_time over 1h and 1d queries are pushed down (query.pushdown_min_range_ms is 1h by default)
        assertTrue(t.selectWindows() >= 2, t.toString());
        assertEquals(0, t.selects(), t.toString());
        assertEquals(0, t.errors(), t.toString());
    }

    @Test
    void shouldAnswerSelectChunksInFramesOfAtMostFrameBytesWhenAnswerIsLarge() throws Exception {
        try (EventLoops loops = EventLoops.create(1);
             WarmupStorage storage = new WarmupStorage(source, loops);
             StorageClient client = new StorageClient("127.0.0.1", port(storage), ClientOptions.DEFAULT,
                 loops.workerGroup())) {
            final SelectRequest all = new SelectRequest(0, Long.MAX_VALUE, 0,
                List.of(LabelMatcher.eq("__name__", "warmup_bytes_total")));
            final List<SeriesChunks> chunks = client.selectChunks(all).get(30, TimeUnit.SECONDS);
            assertEquals(WarmupSource.SERIES_PER_METRIC, chunks.size());
            long bytes = 0;
            for (final SeriesChunks s : chunks) {
                for (final byte[] c : s.chunks()) {
                    bytes += c.length;
                }
            }
            final QueryWarmup.Traffic t = storage.traffic();
            assertEquals(1, t.selectChunks());
            assertTrue(t.chunkFrames() >= bytes / WarmupStorage.FRAME_BYTES, bytes + " bytes in " + t);
            assertTrue(t.chunkFrames() > 1, t.toString());
            assertEquals(source.select(all).get(30, TimeUnit.SECONDS).size(), chunks.size());
            // a window request (windowed select) and a plain select answer too
            final WindowRequest windows = new WindowRequest(WarmupSource.START_MS + 3_600_000, 3_600_000, 5,
                3_600_000, WindowFunction.MAX, 0, all.matchers());
            assertEquals(WarmupSource.SERIES_PER_METRIC, client.selectWindows(windows).get(30, TimeUnit.SECONDS)
                .size());
            assertEquals(WarmupSource.SERIES_PER_METRIC, client.select(all).get(30, TimeUnit.SECONDS).size());
            assertEquals(new QueryWarmup.Traffic(1, t.chunkFrames(), 1, 1, 0), storage.traffic());
        }
    }

    private static int port(final WarmupStorage storage) {
        final String a = storage.address();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    @Test
    void shouldReportFailureWithoutThrowingWhenSourceFails() {
        decoder.close(); // every select is now rejected by the decoding pool
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 3, 60_000).run();
        assertNotNull(report.failure());
        assertEquals(0, report.queries());
        assertTrue(report.failure().getMessage().contains("answered 5"), report.failure().getMessage());
    }

    @Test
    void shouldStopStartingQueriesWhenBudgetHasPassed() {
        final QueryWarmup.Report report = new QueryWarmup(Engine.Options.DEFAULT, source, decoder, 1_000, 1).run();
        assertNull(report.failure());
        assertFalse(report.queries() > QueryWarmup.QUERIES.size(), "queries " + report.queries());
    }
}
