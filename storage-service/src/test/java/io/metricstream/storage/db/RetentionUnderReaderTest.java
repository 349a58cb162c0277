package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.Querier;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retention (by age and by size) deleting blocks while a select reads them: the block's chunk segments are mapped
 * whole at open, and a delete unlinks (never truncates) the files and leaves them mapped while a query that may hold
 * them reads, so the reader keeps reading the mapped bytes (no SIGBUS, no SIGSEGV, no garbage) and answers every
 * sample its block list held; the next select no longer sees the deleted blocks. Once the reader has exited, the
 * next release unmaps them (their space is free: no mapping left in {@code /proc/self/maps}); with no reader,
 * retention and compaction unmap at once, and close unmaps every block.
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
            fill(db);
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
            final long bytesBefore = db.blockBytes();
            assertTrue(db.applyRetention() > 0, "retention deleted nothing");
            final List<Block> deleted = before.stream().filter(b -> !Files.exists(b.dir())).toList();
            assertFalse(deleted.isEmpty(), "no block directory was deleted");
            // the held select may read them: still mapped, and counted as on disk, through any number of releases
            assertEquals(deleted.size(), db.retiredBlocks());
            assertEquals(0, db.releaseRetired());
            assertEquals(bytesBefore, db.blockBytes(), "deleted but mapped blocks still take their disk space");
            if (MAPS_READABLE) {
                for (final Block b : deleted) {
                    assertFalse(mappings(b).isEmpty(), "unmapped under a reader: " + b.meta().name());
                }
            }
            release.countDown();
            assertEquals(expected, held.get(), "the select that held the old block list");
            final TreeMap<LabelSet, Integer> after = new TreeMap<>();
            new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (l, s) -> after.put(l, s.size()));
            assertFalse(after.equals(expected), "a later select still sees the deleted blocks");
            // the maintenance cycle after the reader left unmaps them
            db.flushIfDue();
            assertEquals(0, db.retiredBlocks());
            assertEquals(db.blocks().stream().mapToLong(Block::sizeBytes).sum(), db.blockBytes());
            assumeTrue(MAPS_READABLE, "no /proc/self/maps");
            for (final Block b : deleted) {
                assertEquals(List.of(), mappings(b), "still mapped after its reader left");
            }
        } finally {
            query.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"retention", "compaction"})
    void shouldUnmapDeletedBlocksAtOnceWhenNoQueryReadsThem(final String by) throws Exception {
        assumeTrue(MAPS_READABLE, "no /proc/self/maps");
        final DbOptions options = by.equals("retention") ? new DbOptions(HEAD, 2 * D, 0, 3, 1, 0)
            : new DbOptions(HEAD, 0, 0, 3, 4, 0);
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, options, new HeadMetrics(new MetricsRegistry()))) {
            fill(db);
            final List<Block> before = db.blocks();
            before.forEach(b -> assertFalse(mappings(b).isEmpty(), "not mapped at open: " + b.meta().name()));
            // a query that came and went before the delete holds nothing
            new Querier(db).select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (l, s) -> { });
            assertTrue(by.equals("retention") ? db.applyRetention() > 0 : db.compact() > 0, by + " deleted nothing");
            final List<Block> deleted = before.stream().filter(b -> !db.blocks().contains(b)).toList();
            assertFalse(deleted.isEmpty());
            assertEquals(0, db.retiredBlocks());
            for (final Block b : deleted) {
                assertFalse(Files.exists(b.dir()), "directory left: " + b.dir());
                assertEquals(List.of(), mappings(b), "deleted block still mapped");
            }
            for (final Block b : db.blocks()) {
                assertFalse(mappings(b).isEmpty(), "a listed block was unmapped: " + b.meta().name());
            }
        }
    }

    @Test
    void shouldUnmapEveryBlockWhenClosed() throws Exception {
        assumeTrue(MAPS_READABLE, "no /proc/self/maps");
        final List<Block> blocks;
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, new DbOptions(HEAD, 0, 0, 3, 1, 0),
            new HeadMetrics(new MetricsRegistry()))) {
            fill(db);
            blocks = db.blocks();
            assertTrue(blocks.size() >= 3);
            blocks.forEach(b -> assertFalse(mappings(b).isEmpty(), "not mapped: " + b.meta().name()));
        }
        for (final Block b : blocks) {
            assertTrue(Files.exists(b.dir()), "close deleted " + b.dir());
            assertEquals(List.of(), mappings(b), "still mapped after close");
        }
    }

    private static void fill(final TimeSeriesDb db) throws Exception {
        for (final String host : new String[] {"a", "b", "c"}) {
            for (long ts = 0; ts < 6 * D; ts += 250) {
                db.head().append(LabelSet.of("__name__", "m", "host", host), ts, ts / 250.0);
            }
        }
        db.flushIfDue();
    }

    private static final boolean MAPS_READABLE = Files.isReadable(Path.of("/proc/self/maps"));

    /** Lines of /proc/self/maps naming a file of {@code b} (under its name, or its {@code .tmp} name once deleted). */
    private static List<String> mappings(final Block b) {
        final String under = b.dir().getParent().resolve(b.meta().name()).toString();
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(under + "/") || l.contains(under + ".tmp/")).toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
