package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.block.BlockMeta;
import io.metricstream.storage.head.HeadMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block deletes a crash interrupts: a delete goes through a rename to {@code <name>.tmp}, and a block directory left
 * without meta.json (a plain recursive delete cut short, as older versions did) is removed at open instead of
 * failing it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockDeleteRecoveryTest {
    private static final long H = 3_600_000L;

    @TempDir
    Path dir;

    private TimeSeriesDb openWithBlocks() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
        final LabelSet s = LabelSet.of("__name__", "m", "host", "a");
        for (long t = 0; t < 12 * H; t += 15_000) {
            db.head().append(s, t, Double.doubleToRawLongBits(t / 1000.0));
        }
        db.flush(Long.MAX_VALUE);
        return db;
    }

    @Test
    void shouldOpenWithoutTheBlockWhenItsDeleteWasCutShortBeforeMetaJson() throws Exception {
        final Path broken;
        final int blocks;
        try (TimeSeriesDb db = openWithBlocks()) {
            blocks = db.blocks().size();
            assertTrue(blocks >= 2, "blocks: " + blocks);
            broken = db.blocks().getFirst().dir();
        }
        Files.delete(broken.resolve(BlockMeta.FILE));
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()))) {
            assertEquals(blocks - 1, db.blocks().size());
            assertFalse(Files.exists(broken), "the half-deleted block directory is removed");
        }
    }

    @Test
    void shouldLeaveNoBlockDirectoryWhenCompactionDeletesItsInputs() throws Exception {
        try (TimeSeriesDb db = openWithBlocks()) {
            final Block first = db.blocks().getFirst();
            final int before = db.blocks().size();
            db.compact();
            assertTrue(db.blocks().size() < before, "compacted: " + before + " -> " + db.blocks().size());
            assertFalse(Files.exists(first.dir()), "input block deleted");
            assertFalse(Files.exists(first.dir().resolveSibling(first.dir().getFileName() + ".tmp")), "no leftover");
        }
    }
}
