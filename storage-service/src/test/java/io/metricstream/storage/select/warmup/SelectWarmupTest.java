package io.metricstream.storage.select.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.BitWriter;
import io.metricstream.contracts.chunk.ChunkDescriptor;
import io.metricstream.contracts.chunk.ChunkWriter;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.BlockMeta;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.ChunkQuerier;
import io.metricstream.storage.select.WindowQuerier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectWarmupTest {
    @TempDir
    Path tmp;

    @Test
    void shouldWriteTheSmoothGaugeAsDeltaOfDeltaChunks() {
        // the user's smooth gauges take resetAggregate's DOD branch: the warm-up's chunks must take it too
        for (final long first : new long[] {0, 120, 1_000, 2_040}) {
            final ChunkWriter chunk = new ChunkWriter(120);
            for (long k = first; k < first + 120; k++) {
                chunk.append(k * SelectWarmup.SCRAPE_MS, SelectWarmup.smooth(k));
            }
            final BitWriter out = new BitWriter(1 << 10);
            chunk.encode(out);
            assertEquals(ChunkDescriptor.ENCODING_DECIMAL_DOD, out.array()[0] & 0xFF, "chunk from sample " + first);
        }
    }

    @Test
    void shouldListTheCompactedBlockAfterTheNewerOneWhenFilled() throws IOException {
        // a user's merged old data is listed after its newer blocks, so select sorts each series' chunks
        // (ChunkList.swap): the warm-up's database must be listed out of time order the same way
        final long blockMs = HeadOptions.DEFAULT.blockDurationMs();
        try (TimeSeriesDb db = TimeSeriesDb.open(tmp, SelectWarmup.dbOptions(HeadOptions.DEFAULT),
            new HeadMetrics(new MetricsRegistry()))) {
            SelectWarmup.fill(db, blockMs);
            final List<BlockMeta> blocks = db.blocks().stream().map(b -> b.meta()).toList();
            // and a block in time order after both (directApplies' insertion sort keeps it where it is)
            assertEquals(3, blocks.size(), blocks.toString());
            final long start = SelectWarmup.startMs(blockMs);
            assertEquals(List.of(1, 2, 1), blocks.stream().map(BlockMeta::level).toList(),
                "newer block, merged, newest");
            assertEquals(start + SelectWarmup.COMPACTED_BLOCKS * blockMs, blocks.get(0).minTimeMs(), "newer block");
            assertEquals(start, blocks.get(1).minTimeMs(), "compacted block");
            assertEquals(start + (SelectWarmup.COMPACTED_BLOCKS + 1) * blockMs, blocks.get(2).minTimeMs(), "newest");
            assertTrue(db.head().maxTimeMs() > blocks.get(2).maxTimeMs(), "the head holds the newest samples");
        }
    }

    @Test
    void shouldGrowTheChunkListWhenSelectingChunksOfTheWholeSpan() throws Exception {
        // a day of a user's series is 24+ chunks: ChunkList.add's grow branch must be in the warm-up's profile
        final long blockMs = HeadOptions.DEFAULT.blockDurationMs();
        try (TimeSeriesDb db = TimeSeriesDb.open(tmp, SelectWarmup.dbOptions(HeadOptions.DEFAULT),
            new HeadMetrics(new MetricsRegistry()))) {
            SelectWarmup.fill(db, blockMs);
            final int[] fewest = {Integer.MAX_VALUE};
            final int series = new ChunkQuerier(db).select(
                List.of(LabelMatcher.eq("__name__", "warmup_requests_total")), SelectWarmup.startMs(blockMs),
                SelectWarmup.endMs(blockMs), 0, (labels, chunks) -> fewest[0] = Math.min(fewest[0], chunks.size()));
            assertEquals(SelectWarmup.HOSTS, series);
            assertTrue(fewest[0] > ChunkQuerier.ChunkList.INITIAL_CAPACITY, "fewest chunks of a series " + fewest[0]);
        }
    }

    @Test
    void shouldFoldDirectlyFromBlocksListedOutOfOrderWhenWindowsReachIntoTheCompactedBlock() throws Exception {
        // directApplies' insertion sort moves a block source only with several of them listed out of time order (the
        // compacted one after the first newer one); and no window may hold a whole rollup bucket, or the series
        // leaves the direct path
        final long blockMs = HeadOptions.DEFAULT.blockDurationMs();
        try (TimeSeriesDb db = TimeSeriesDb.open(tmp, SelectWarmup.dbOptions(HeadOptions.DEFAULT),
            new HeadMetrics(new MetricsRegistry()))) {
            SelectWarmup.fill(db, blockMs);
            final BlockMeta compacted = db.blocks().get(1).meta();
            for (final int windows : new int[] {1, SelectWarmup.DIRECT_WINDOWS}) {
                final WindowRequest q = SelectWarmup.directOverBlocks(blockMs, windows);
                assertEquals(windows, q.stepCount());
                assertTrue(q.minTimeMs() <= compacted.maxTimeMs() && q.minTimeMs() > compacted.maxTimeMs() - 300_000,
                    "reaches into the compacted block by less than a 5 m bucket: " + q);
                assertTrue(q.maxTimeMs() >= SelectWarmup.endMs(blockMs), "covers the head");
                final WindowQuerier querier = new WindowQuerier(db);
                final int[] points = {0};
                final int series = querier.select(q, (labels, steps, values, n) -> points[0] += n);
                assertEquals(3 * SelectWarmup.HOSTS, series);
                assertEquals(series, querier.seriesFromChunks(), "every series on the direct path");
                assertEquals(0, querier.windowsFromRollups());
                assertEquals(series * windows, points[0], "every window of every series has samples");
            }
        }
    }

    @Test
    void shouldAnswerEverySelectAndDeleteItsDatabaseWhenRun() throws IOException {
        final SelectWarmup.Report report = new SelectWarmup(HeadOptions.DEFAULT, 64 << 10, 2, 0, 60_000, tmp).run();
        assertNull(report.failure());
        assertEquals(2 * SelectWarmup.REQUESTS_PER_ROUND, report.requests());
        assertTrue(report.answerBytes() > 0, "answers hold chunks and windows");
        // both SELECT_WINDOWS paths ran: rollups of the compacted block, and the direct fold of raw block and head
        // chunks that the user's recent data (blocks without rollups) takes
        assertTrue(report.windowsFromRollups() > 0, "windows from rollups " + report.windowsFromRollups());
        assertTrue(report.windowSeriesFromChunks() > 0, "series from chunks " + report.windowSeriesFromChunks());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the throwaway database is deleted");
        }
    }

    @Test
    void shouldRunAtMostTheSettleRoundsAfterTheFixedOnesWhileTheJitCompiles() {
        final SelectWarmup.Report report = new SelectWarmup(HeadOptions.DEFAULT, 64 << 10, 1, 3, 60_000, tmp).run();
        assertNull(report.failure());
        assertEquals(1, report.rounds());
        assertTrue(report.settleRounds() <= 3, "settle rounds " + report.settleRounds());
        // settled() is the JIT's state at the end, after any top-up rounds (which may still be compiling): it tells
        // why the settle rounds stopped early only when no top-up ran
        assertTrue(report.settled() || report.settleRounds() == 3 || report.topUpRounds() > 0, report.toString());
        assertTrue(report.topUpRounds() <= 3, "top-up rounds " + report.topUpRounds());
        assertEquals(SelectWarmup.REQUESTS_PER_ROUND * (1 + report.settleRounds() + report.topUpRounds()),
            report.requests());
    }

    @Test
    void shouldReportFailureWithoutThrowingWhenDatabaseCannotBeCreated() throws IOException {
        final Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        final SelectWarmup.Report report = new SelectWarmup(HeadOptions.DEFAULT,
            FrameDescriptor.DEFAULT_MAX_FRAME_BYTES, 2, 0, 60_000, notADirectory).run();
        assertNotNull(report.failure());
        assertEquals(0, report.requests());
    }

    @Test
    void shouldStopStartingSelectsWhenBudgetHasPassed() {
        final SelectWarmup.Report report = new SelectWarmup(HeadOptions.DEFAULT, 64 << 10, 1_000, 0, 1, tmp).run();
        assertNull(report.failure());
        assertTrue(report.requests() < 6_000, "requests " + report.requests());
    }

    @Test
    void shouldSendSelectsWithAndWithoutASeriesLimit() {
        // the query service sends its limit: the limit check of both selects must be compiled for both cases
        final int limit = SelectWarmup.SERIES_LIMIT;
        assertEquals(Set.of("chunks 0", "chunks " + limit, "windows 0", "windows " + limit),
            SelectWarmup.seriesLimits(HeadOptions.DEFAULT.blockDurationMs()));
        assertTrue(limit > 3 * SelectWarmup.HOSTS, "no warm-up select exceeds the limit");
    }

    @Test
    void shouldAskInstantWindowsAsTheQueryServiceSendsThem() {
        // an instant query (Q5, query.sh's count probe) reaches storage with stepMs 0: a warm-up of stepped windows
        // only left that branch of WindowQuerier.select/repeatInstant untaken, and the probe deoptimized them
        assertEquals(Set.of("instant", "one step", "stepped"),
            SelectWarmup.windowSteps(HeadOptions.DEFAULT.blockDurationMs()));
    }

    @Test
    void shouldAskEveryWindowFunctionInEachRound() {
        // a function the warm-up never asked leaves an untaken case in the compiled folds: the user's first query
        // with it (query.sh's count_over_time probe) deoptimizes them
        assertEquals(EnumSet.allOf(WindowFunction.class),
            SelectWarmup.windowFunctions(HeadOptions.DEFAULT.blockDurationMs()));
    }
}
