package io.metricstream.query.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.query.eval.Engine;
import io.metricstream.query.eval.QueryResult;
import io.metricstream.query.remote.ChunkDecoder;
import io.netty.buffer.PooledByteBufAllocator;
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
    void shouldRunWholeRoundsOverHttpWhenSourceIsSynthetic() {
        final QueryWarmup.Report report = new QueryWarmup(engine, source, 2, 60_000).run();
        assertNull(report.failure());
        assertEquals(2, report.rounds());
        assertEquals(2 * QueryWarmup.QUERIES.size(), report.queries());
    }

    @Test
    void shouldReportFailureWithoutThrowingWhenSourceFails() {
        decoder.close(); // every select is now rejected by the decoding pool
        final QueryWarmup.Report report = new QueryWarmup(engine, source, 3, 60_000).run();
        assertNotNull(report.failure());
        assertEquals(0, report.queries());
        assertTrue(report.failure().getMessage().contains("answered 5"), report.failure().getMessage());
    }

    @Test
    void shouldStopStartingQueriesWhenBudgetHasPassed() {
        final QueryWarmup.Report report = new QueryWarmup(engine, source, 1_000, 1).run();
        assertNull(report.failure());
        assertFalse(report.queries() > QueryWarmup.QUERIES.size(), "queries " + report.queries());
    }
}
