package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.remote.InMemorySeriesSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code <fn>_over_time} pushed down to the source (SELECT_WINDOWS, computed by the fake from raw samples with
 * WindowFunction.over) equals the evaluator's own windows bit for bit, for range and instant queries, offset,
 * {@code @}, subqueries and aggregations over them; short ranges and other functions are not pushed down.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PushdownTest {
    private static final long HOUR = 3_600_000;
    private static final long START = 10 * HOUR;
    private static final long END = 16 * HOUR;
    private static InMemorySeriesSource data;
    private static Engine pushing;
    private static Engine raw;

    @BeforeAll
    static void load() {
        data = new InMemorySeriesSource();
        for (int s = 0; s < 6; s++) {
            final LabelSet labels = LabelSet.of("__name__", s < 4 ? "m" : "n", "job", s % 2 == 0 ? "a" : "b",
                "i", Integer.toString(s < 4 ? s : s - 4));
            long t = (s * 7_000L) % 60_000;
            for (int k = 0; t <= 20 * HOUR; k++) {
                final double v;
                if (s == 1 && k % 97 == 0) {
                    v = StaleMarker.VALUE;
                } else if (s == 2 && k % 131 == 0) {
                    v = Double.NaN;
                } else if (s == 3 && k == 500) {
                    v = Double.POSITIVE_INFINITY;
                } else {
                    v = Math.sin(k / 17.0) * (s + 1) * 1000 + k * 0.1;
                }
                data.add(labels, t, v);
                // a gap of 3 h in series 0 leaves windows empty
                t += s == 0 && t > 12 * HOUR && t < 15 * HOUR ? 3 * HOUR : 15_000 + (s * 1_000L);
            }
        }
        pushing = new Engine(data, Engine.Options.DEFAULT.withPushdownMinRangeMs(HOUR));
        raw = new Engine(data, Engine.Options.DEFAULT.withPushdownMinRangeMs(0));
    }

    /** Asserts both engines agree bit for bit on a range and an instant query, and whether windows were used. */
    private static void f(final String query, final boolean pushedDown) throws ParseException {
        for (final long step : new long[] {60_000, 420_000}) {
            final int before = data.windowSelects();
            final QueryResult want = raw.range(query, START, END, step);
            assertEquals(before, data.windowSelects(), "the raw engine must not push down: " + query);
            final QueryResult got = pushing.range(query, START, END, step);
            assertEquals(pushedDown, data.windowSelects() > before, "pushed down: " + query);
            assertSame(query + " step " + step, want, got);
        }
        for (final long t : new long[] {START, 13 * HOUR + 17_123, END}) {
            assertSame(query + " at " + t, raw.instant(query, t), pushing.instant(query, t));
        }
    }

    private static void assertSame(final String what, final QueryResult want, final QueryResult got) {
        assertEquals(want.getClass(), got.getClass(), what);
        if (want instanceof QueryResult.Vector w) {
            final List<QueryResult.Sample> g = ((QueryResult.Vector) got).samples();
            assertEquals(w.samples().size(), g.size(), what);
            for (int i = 0; i < g.size(); i++) {
                assertEquals(w.samples().get(i).labels(), g.get(i).labels(), what);
                assertEquals(Double.doubleToRawLongBits(w.samples().get(i).value()),
                    Double.doubleToRawLongBits(g.get(i).value()), what);
            }
            return;
        }
        final List<QueryResult.Series> ws = ((QueryResult.Matrix) want).series();
        final List<QueryResult.Series> gs = ((QueryResult.Matrix) got).series();
        assertEquals(ws.size(), gs.size(), what);
        assertTrue(!ws.isEmpty() || what.contains("empty"), "a case without any result proves little: " + what);
        for (int i = 0; i < ws.size(); i++) {
            assertEquals(ws.get(i).labels(), gs.get(i).labels(), what);
            assertArrayEquals(ws.get(i).timestamps(), gs.get(i).timestamps(), what);
            final double[] wv = ws.get(i).values();
            final double[] gv = gs.get(i).values();
            for (int k = 0; k < wv.length; k++) {
                assertEquals(Double.doubleToRawLongBits(wv[k]), Double.doubleToRawLongBits(gv[k]),
                    what + " series " + ws.get(i).labels() + " point " + k);
            }
        }
    }

    @Test
    void shouldEqualRawEvaluationWhenEachFunctionIsPushedDown() throws ParseException {
        for (final String fn : new String[] {"min", "max", "sum", "count", "avg", "last"}) {
            f(fn + "_over_time(m[1h])", true);
            f(fn + "_over_time(m{job=\"a\"}[90m])", true);
            f(fn + "_over_time((m[2h]))", true);
        }
    }

    @Test
    void shouldEqualRawEvaluationWhenOffsetOrAtPinsTheWindows() throws ParseException {
        f("max_over_time(m[1h] offset 30m)", true);
        f("sum_over_time(m[1h] offset -20m)", true);
        f("avg_over_time(m[2h] @ 45000)", true);
        f("count_over_time(m[1h] @ start())", true);
        f("last_over_time(m[1h] @ end() offset 5m)", true);
        f("min_over_time(m[1h] @ 50000.5)", true);
    }

    @Test
    void shouldEqualRawEvaluationWhenPushedDownInsideSubqueriesAndAggregations() throws ParseException {
        f("max_over_time(sum_over_time(m[1h])[3h:10m])", true);
        f("sum by (job)(avg_over_time(m[2h]))", true);
        f("avg_over_time(m[1h]) / ignoring(i) group_left count_over_time(n[1h])", true);
        f("last_over_time(m[1d])", true);
    }

    @Test
    void shouldNotPushDownWhenRangeIsShortOrFunctionIsOther() throws ParseException {
        f("max_over_time(m[59m])", false);
        f("stddev_over_time(m[2h])", false);
        f("quantile_over_time(0.5, m[2h])", false);
        f("rate(m[2h])", false);
        f("max_over_time(m[2h:1m])", false);
    }

    @Test
    void shouldFailLikeRawEvaluationWhenNamesCollideAfterDroppingTheMetricName() {
        final QueryException want = assertThrows(QueryException.class,
            () -> raw.range("sum_over_time({__name__=~\"m|n\", i=\"0\"}[1h])", START, END, 60_000));
        final QueryException got = assertThrows(QueryException.class,
            () -> pushing.range("sum_over_time({__name__=~\"m|n\", i=\"0\"}[1h])", START, END, 60_000));
        assertEquals(want.getMessage(), got.getMessage());
        assertInstanceOf(QueryResult.Matrix.class,
            assertDoesNotThrowRange("last_over_time({__name__=~\"m|n\", i=\"0\"}[1h])"));
    }

    private static QueryResult assertDoesNotThrowRange(final String query) {
        try {
            return pushing.range(query, START, END, 60_000);
        } catch (final ParseException e) {
            throw new AssertionError(e);
        }
    }
}
