package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.block.Block;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.Querier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction on the {@code storage-compact} thread: selects and block-list readers racing it see every sample
 * exactly once, flushes racing it lose no block, and the result survives a reopen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackgroundCompactionTest {
    private static final long D = 10_000;
    private static final int SERIES = 20;
    private static final long STEP_MS = 50;
    private static final DbOptions OPTIONS = new DbOptions(new HeadOptions(60, D, D / 2, 1000, 16, 256), 0, 0, 3, 4,
        0);
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    private static HeadMetrics metrics() {
        return new HeadMetrics(new MetricsRegistry());
    }

    /** Appends every series at STEP_MS in [fromMs, toMs); returns the samples appended. */
    private static long append(final TimeSeriesDb db, final long fromMs, final long toMs) {
        long n = 0;
        for (long t = fromMs; t < toMs; t += STEP_MS) {
            for (int s = 0; s < SERIES; s++) {
                db.head().append(LabelSet.of("__name__", "m", "host", "h" + s), t, t * 0.5 + s);
                n++;
            }
        }
        return n;
    }

    private static long blockSamples(final List<Block> blocks) {
        long n = 0;
        for (final Block b : blocks) {
            n += b.meta().samples();
        }
        return n;
    }

    private static long selected(final Querier q) throws Querier.TooManySeriesException {
        final AtomicLong n = new AtomicLong();
        q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (labels, samples) -> n.addAndGet(samples.size()));
        return n.get();
    }

    @Test
    void shouldSeeEverySampleExactlyOnceWhenReadsRaceBackgroundCompaction() throws Exception {
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics())) {
            final long total = append(db, 0, 27 * D);
            db.flush(Long.MAX_VALUE);
            assertEquals(27, db.blocks().size());
            assertEquals(total, blockSamples(db.blocks()));
            final AtomicBoolean done = new AtomicBoolean();
            final List<String> errors = new CopyOnWriteArrayList<>();
            final AtomicLong snapshots = new AtomicLong();
            final AtomicLong selects = new AtomicLong();
            final Thread lister = new Thread(() -> {
                while (!done.get()) {
                    // a snapshot holding both a merge's inputs and its output, or neither, miscounts
                    final long n = blockSamples(db.blocks());
                    if (n != total) {
                        errors.add("block list holds " + n + " samples; want " + total);
                    }
                    snapshots.incrementAndGet();
                }
            }, "test-lister");
            final Thread selector = new Thread(() -> {
                final Querier q = new Querier(db);
                try {
                    while (!done.get()) {
                        final long n = selected(q);
                        if (n != total) {
                            errors.add("select saw " + n + " samples; want " + total);
                        }
                        selects.incrementAndGet();
                    }
                } catch (final Exception e) {
                    errors.add("select failed: " + e);
                }
            }, "test-selector");
            lister.start();
            selector.start();
            final Future<?> pass = db.compactInBackground();
            pass.get(30, TimeUnit.SECONDS);
            done.set(true);
            lister.join();
            selector.join();
            assertEquals(List.of(), errors);
            assertTrue(snapshots.get() > 0 && selects.get() > 0, "readers ran");
            assertEquals(1, db.compactionPasses());
            // 27 level-1 blocks → 9 level-2 → 3 level-3 → 1 level-4 (maxLevel 4)
            assertEquals(1, db.blocks().size(), "blocks: " + db.blocks());
            assertEquals(4, db.blocks().getFirst().meta().level());
            assertEquals(total, blockSamples(db.blocks()));
            assertEquals(total, selected(new Querier(db)));
        }
    }

    @Test
    void shouldKeepEveryFlushedBlockWhenFlushesRaceBackgroundCompaction() throws Exception {
        final long total;
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics())) {
            long appended = append(db, 0, 9 * D);
            db.flush(Long.MAX_VALUE);
            appended += append(db, 9 * D, 18 * D);
            final Future<?> pass = db.compactInBackground();
            // the ingest thread's part: one flush per window while the merge of the first nine runs
            final Set<String> flushed = new HashSet<>();
            for (long w = 10; w <= 18; w++) {
                db.flush(w * D);
                for (final Block b : db.blocks()) {
                    if (b.meta().level() == 1 && b.meta().minTimeMs() >= 9 * D) {
                        flushed.add(b.meta().name());
                    }
                }
            }
            pass.get(30, TimeUnit.SECONDS);
            assertEquals(9, flushed.size(), "one block per flushed window: " + flushed);
            final Set<String> sources = new HashSet<>();
            for (final Block b : db.blocks()) {
                sources.addAll(b.meta().sources());
            }
            assertTrue(sources.containsAll(flushed), "every flushed block is listed or merged: " + db.blocks());
            assertEquals(0, db.head().sampleCount());
            assertEquals(appended, blockSamples(db.blocks()));
            assertEquals(appended, selected(new Querier(db)));
            db.compactInBackground().get(30, TimeUnit.SECONDS);
            assertEquals(appended, blockSamples(db.blocks()));
            total = appended;
        }
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics())) {
            assertEquals(total, blockSamples(db.blocks()));
            assertEquals(total, selected(new Querier(db)));
        }
    }

    @Test
    void shouldRunNoPassWhenClosed() throws Exception {
        final TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, metrics());
        append(db, 0, 3 * D);
        db.flush(Long.MAX_VALUE);
        db.compactInBackground().get(30, TimeUnit.SECONDS);
        db.close();
        assertNull(db.compactInBackground());
        assertEquals(1, db.compactionPasses());
    }
}
