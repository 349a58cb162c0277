package io.metricstream.storage.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ThreadQueriersTest {
    @TempDir
    Path dir;

    private TimeSeriesDb open(final String name) throws Exception {
        return TimeSeriesDb.open(dir.resolve(name), DbOptions.DEFAULT, new HeadMetrics(new MetricsRegistry()));
    }

    @Test
    void shouldReuseTheThreadsQueriersWhenTheSelectBeforeReleasedThem() throws Exception {
        try (TimeSeriesDb db = open("a")) {
            final ThreadQueriers first = ThreadQueriers.acquire(db);
            first.release();
            final ThreadQueriers second = ThreadQueriers.acquire(db);
            second.release();
            assertSame(first, second);
        }
    }

    @Test
    void shouldHandOutFreshQueriersWhenInUseOrOnAnotherThreadOrDb() throws Exception {
        try (TimeSeriesDb db = open("a"); TimeSeriesDb other = open("b")) {
            final ThreadQueriers outer = ThreadQueriers.acquire(db);
            final ThreadQueriers nested = ThreadQueriers.acquire(db);
            assertNotSame(outer, nested);
            nested.release();
            assertNotSame(outer, ThreadQueriers.acquire(db), "still in use by the outer select");
            final ThreadQueriers elsewhere = CompletableFuture.supplyAsync(() -> ThreadQueriers.acquire(db)).get();
            assertNotSame(outer, elsewhere);
            outer.release();
            final ThreadQueriers onOther = ThreadQueriers.acquire(other);
            onOther.release();
            assertNotSame(outer, onOther);
        }
    }

    @Test
    void shouldGrowTheChunkListAgainWhenTheNextSelectOnTheThreadNeedsIt() throws Exception {
        // a chunk list kept grown by the thread's first select left ChunkList.add's grow branch out of the profile of
        // every later one: C2 trapped on it in the user's first select of a day of data (cold.sh Q1, session 13)
        final int chunks = 3 * ChunkQuerier.ChunkList.INITIAL_CAPACITY;
        final int samplesPerChunk = DbOptions.DEFAULT.head().maxSamplesPerChunk();
        try (TimeSeriesDb db = open("a")) {
            final LabelSet series = LabelSet.of("__name__", "up", "job", "j");
            for (int i = 0; i < chunks * samplesPerChunk; i++) {
                db.head().append(series, i * 1_000L, i);
            }
            final List<String> seen = new ArrayList<>();
            for (final long maxT : new long[] {Long.MAX_VALUE, 1_000L}) {
                final ThreadQueriers q = ThreadQueriers.acquire(db);
                q.chunkQuerier.select(List.of(LabelMatcher.eq("job", "j")), 0, maxT, 0,
                    (labels, list) -> seen.add(list.size() + " in " + list.capacity()));
                q.release();
            }
            final int initial = ChunkQuerier.ChunkList.INITIAL_CAPACITY;
            assertEquals(List.of(chunks + " in " + 4 * initial, "1 in " + initial), seen, "chunks in capacity");
        }
    }
}
