package io.metricstream.storage.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.ChunkQuerier;
import io.metricstream.storage.select.Querier;
import io.metricstream.testsupport.Seeds;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Selects (samples and raw chunks) racing flushes, compaction and age retention that delete blocks and unmap them
 * as soon as their readers have left: every sample a select reads is the one written (a read of an unmapped block
 * would crash the JVM or read garbage), and every deleted block is unmapped by the end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnmapUnderLoadTest {
    private static final long D = 10_000;
    private static final long STEP_MS = 250;
    private static final DbOptions OPTIONS = new DbOptions(new HeadOptions(60, D, D / 2, 1000, 16, 256), 4 * D, 0,
        3, 2, 0);
    private static final List<LabelMatcher> ALL = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));

    @TempDir
    Path dir;

    private static double valueOf(final long ts, final int host) {
        return ts / (double) STEP_MS + host * 0.5;
    }

    @Test
    void shouldReadWrittenSamplesOnlyWhenBlocksAreDeletedAndUnmappedUnderSelects() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final ExecutorService queries = Executors.newFixedThreadPool(2);
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong selects = new AtomicLong();
        try (TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, new HeadMetrics(new MetricsRegistry()))) {
            final Future<String> samples = queries.submit(() -> {
                final Querier q = new Querier(db);
                final String[] bad = {null};
                while (!done.get() && bad[0] == null) {
                    q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (labels, s) -> {
                        final int host = Integer.parseInt(labels.get("host"));
                        for (int i = 0; i < s.size() && bad[0] == null; i++) {
                            if (Double.longBitsToDouble(s.valueBitsAt(i)) != valueOf(s.timestampAt(i), host)) {
                                bad[0] = labels + " at " + s.timestampAt(i);
                            }
                        }
                    });
                    selects.incrementAndGet();
                }
                return bad[0];
            });
            final Future<String> chunks = queries.submit(() -> {
                final ChunkQuerier q = new ChunkQuerier(db);
                final ChunkReader reader = new ChunkReader();
                final String[] bad = {null};
                while (!done.get() && bad[0] == null) {
                    q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE, 0, (labels, list) -> {
                        final int host = Integer.parseInt(labels.get("host"));
                        for (int c = 0; c < list.size() && bad[0] == null; c++) {
                            reader.reset(list.bufferAt(c), list.offsetAt(c), list.lengthAt(c), "chunk", 0);
                            for (int i = 0; i < reader.count(); i++) {
                                if (Double.longBitsToDouble(reader.valueBitsAt(i))
                                    != valueOf(reader.timestampAt(i), host)) {
                                    bad[0] = labels + " chunk at " + reader.timestampAt(i);
                                }
                            }
                        }
                    });
                    selects.incrementAndGet();
                }
                return bad[0];
            });
            long ts = 0;
            int merges = 0;
            int expired = 0;
            for (int round = 0; round < 40; round++) {
                final long end = ts + D / 2 + random.nextLong(D);
                for (; ts < end; ts += STEP_MS) {
                    for (int host = 0; host < 4; host++) {
                        db.head().append(LabelSet.of("__name__", "m", "host", Integer.toString(host)), ts,
                            valueOf(ts, host));
                    }
                }
                db.flushIfDue();
                merges += db.compact();
                expired += db.applyRetention();
            }
            done.set(true);
            assertNull(samples.get(), "seed=" + seed);
            assertNull(chunks.get(), "seed=" + seed);
            assertTrue(selects.get() > 0);
            assertTrue(merges > 0 && expired > 0, "merges=" + merges + " expired=" + expired);
            db.releaseRetired();
            assertEquals(0, db.retiredBlocks(), "deleted blocks left mapped with no reader; seed=" + seed);
        } finally {
            queries.shutdownNow();
        }
    }
}
