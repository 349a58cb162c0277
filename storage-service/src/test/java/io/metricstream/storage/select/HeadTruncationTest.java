package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.head.HeadReaders;
import io.metricstream.storage.head.HeadTruncatedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A select still reading when a flush stops waiting for it (a wait bound of 0 here, 30 s in production) and drops
 * the head data it moved into a block the select's block list lacks: the select fails with
 * {@link HeadTruncatedException} instead of answering without that data; the next select sees all of it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadTruncationTest {
    private static final long H = 3_600_000L;
    private static final List<LabelMatcher> JOB = List.of(LabelMatcher.eq("job", "j"));

    @TempDir
    Path dir;

    private final ExecutorService queries = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        queries.shutdownNow();
    }

    private TimeSeriesDb open() throws Exception {
        return TimeSeriesDb.open(dir, new DbOptions(new HeadOptions(120, H, 15 * 60_000L, 1000, 16, 256), 0, 0, 3, 4,
            0), new HeadMetrics(new MetricsRegistry()), new HeadReaders(0));
    }

    private static void write(final TimeSeriesDb db) {
        for (final String pod : new String[] {"a", "b"}) {
            for (int i = 0; i < 60; i++) {
                db.head().append(LabelSet.of("__name__", "up", "job", "j", "pod", pod), i * 1_000L, i);
            }
        }
    }

    /** Interface of the select under test: it calls {@code first} from its visitor on its first series. */
    private interface HeldSelect {
        int run(TimeSeriesDb db, Runnable first) throws Exception;
    }

    private void assertFailsWhenHeldPastATruncation(final HeldSelect select, final String what) throws Exception {
        try (TimeSeriesDb db = open()) {
            write(db);
            final CountDownLatch entered = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final Future<Integer> held = queries.submit(() -> select.run(db, () -> {
                entered.countDown();
                try {
                    release.await();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            entered.await();
            // series "a" is read; "b" is still in the head, listed but unread; the flush moves it into a new block
            assertEquals(1, db.flush(Long.MAX_VALUE));
            assertEquals(0, db.head().registry().size());
            release.countDown();
            final ExecutionException e = assertThrows(ExecutionException.class, held::get, what);
            assertInstanceOf(HeadTruncatedException.class, e.getCause(), what);
            assertTrue(e.getCause().getMessage().contains("retry"), e.getCause().getMessage());
            // a new select takes the new block list: both series, every sample
            assertEquals(2, select.run(db, () -> { }), what + ": the retry");
            final int[] samples = {0};
            new Querier(db).select(JOB, 0, Long.MAX_VALUE, 0, (l, s) -> samples[0] += s.size());
            assertEquals(120, samples[0]);
            assertEquals(0, db.head().readers().active());
        }
    }

    @Test
    void shouldFailSelectWhenAFlushOvertookIt() throws Exception {
        assertFailsWhenHeldPastATruncation((db, first) -> {
            final List<String> seen = new ArrayList<>();
            return new Querier(db).select(JOB, 0, Long.MAX_VALUE, 0, (labels, samples) -> {
                if (seen.isEmpty()) {
                    first.run();
                }
                seen.add(labels.get("pod"));
            });
        }, "select");
    }

    @Test
    void shouldFailSelectChunksWhenAFlushOvertookIt() throws Exception {
        assertFailsWhenHeldPastATruncation((db, first) -> {
            final List<String> seen = new ArrayList<>();
            return new ChunkQuerier(db).select(JOB, 0, Long.MAX_VALUE, 0, (labels, chunks) -> {
                if (seen.isEmpty()) {
                    first.run();
                }
                seen.add(labels.get("pod"));
            });
        }, "select chunks");
    }

    @Test
    void shouldFailSelectRollupWhenAFlushOvertookIt() throws Exception {
        assertFailsWhenHeldPastATruncation((db, first) -> {
            final List<String> seen = new ArrayList<>();
            return new Querier(db).selectRollup(JOB, 0, Long.MAX_VALUE, 300_000, 0, (labels, windows) -> {
                if (seen.isEmpty()) {
                    first.run();
                }
                seen.add(labels.get("pod"));
            });
        }, "select rollup");
    }
}
