package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.Querier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retention (by age and by size) deleting blocks while a select reads them: the block's chunk segments are mapped
 * whole at open and never unmapped by hand, and a delete unlinks (never truncates) the files, so the reader keeps
 * reading the mapped bytes (no SIGBUS, no garbage) and answers every sample its block list held; the next select no
 * longer sees the deleted blocks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionUnderReaderTest {
    private static final long D = 10_000;
    private static final HeadOptions HEAD = new HeadOptions(8, D, 3_000, 1000, 16, 256);
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"age", "bytes"})
    void shouldAnswerFromTheMappedBlocksWhenRetentionDeletesThemMidSelect(final String by) throws Exception {
        final DbOptions options = by.equals("age") ? new DbOptions(HEAD, 2 * D, 0, 3, 1, 0)
            : new DbOptions(HEAD, 0, 1, 3, 1, 0);
        final ExecutorService query = Executors.newSingleThreadExecutor();
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, options, new HeadMetrics(new MetricsRegistry()))) {
            for (final String host : new String[] {"a", "b", "c"}) {
                for (long ts = 0; ts < 6 * D; ts += 250) {
                    db.head().append(LabelSet.of("__name__", "m", "host", host), ts, ts / 250.0);
                }
            }
            db.flushIfDue();
            final List<Block> before = db.blocks();
            assertTrue(before.size() >= 3, "blocks " + before.size());
            final TreeMap<LabelSet, Integer> expected = new TreeMap<>();
            new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (l, s) -> expected.put(l, s.size()));
            final CountDownLatch first = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final Future<Map<LabelSet, Integer>> held = query.submit(() -> {
                final TreeMap<LabelSet, Integer> got = new TreeMap<>();
                new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (l, s) -> {
                    got.put(l, s.size());
                    first.countDown();
                    try {
                        release.await();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                return got;
            });
            first.await();
            assertTrue(db.applyRetention() > 0, "retention deleted nothing");
            final long deletedDirs = before.stream().filter(b -> !Files.exists(b.dir())).count();
            assertTrue(deletedDirs > 0, "no block directory was deleted");
            release.countDown();
            assertEquals(expected, held.get(), "the select that held the old block list");
            final TreeMap<LabelSet, Integer> after = new TreeMap<>();
            new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (l, s) -> after.put(l, s.size()));
            assertFalse(after.equals(expected), "a later select still sees the deleted blocks");
        } finally {
            query.shutdownNow();
        }
    }
}
