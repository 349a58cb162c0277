package io.metricstream.query.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.query.remote.SeriesSource;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineTest {

    private static InMemorySeriesSource data(final int series, final int samples) {
        final InMemorySeriesSource src = new InMemorySeriesSource();
        for (int s = 0; s < series; s++) {
            final LabelSet labels = LabelSet.of("__name__", "requests_total", "host", "h" + s, "region", "r" + s % 4);
            for (int i = 0; i < samples; i++) {
                src.add(labels, i * 15_000L, i * (s + 1));
            }
        }
        return src;
    }

    @Test
    void shouldFetchEachSelectorOnceWhenEvaluatingRangeQuery() throws ParseException {
        final InMemorySeriesSource src = data(20, 2000);
        final Engine engine = new Engine(src, Engine.Options.DEFAULT);
        final QueryResult r = engine.range("sum by (region) (rate(requests_total[5m])) / "
            + "sum by (region) (requests_total)", 600_000, 20_000_000, 60_000);
        assertEquals(2, src.selects());
        final QueryResult.Matrix m = (QueryResult.Matrix) r;
        assertEquals(4, m.series().size());
        assertEquals(324, m.series().getFirst().timestamps().length);
    }

    /** Holds every select answer back until {@code gate} selects were asked; then lets all through. */
    private static final class GatedSource implements SeriesSource {
        private final InMemorySeriesSource data;
        private final int gate;
        private final List<Runnable> pending = new ArrayList<>();
        private int seen;

        GatedSource(final InMemorySeriesSource data, final int gate) {
            this.data = data;
            this.gate = gate;
        }

        private synchronized <T> CompletableFuture<T> gated(final CompletableFuture<T> answer) {
            final CompletableFuture<T> out = new CompletableFuture<>();
            pending.add(() -> answer.whenComplete((v, t) -> {
                if (t != null) {
                    out.completeExceptionally(t);
                } else {
                    out.complete(v);
                }
            }));
            if (++seen >= gate) {
                pending.forEach(Runnable::run);
                pending.clear();
            }
            return out;
        }

        @Override
        public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
            return gated(data.select(request));
        }

        @Override
        public CompletableFuture<List<RangeSeries>> selectRange(final SelectRequest request) {
            return gated(data.selectRange(request));
        }

        @Override
        public CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
            return gated(data.selectWindows(request));
        }

        @Override
        public CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
            return data.labelNames(request);
        }

        @Override
        public CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
            return data.labelValues(request);
        }

        @Override
        public CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
            return data.series(request);
        }

        @Override
        public CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
            return data.deleteSeries(request);
        }

        @Override
        public CompletableFuture<Long> cleanTombstones() {
            return data.cleanTombstones();
        }
    }

    @Test
    void shouldSendEverySelectBeforeWaitingWhenQueryHasSeveralSelectors() throws ParseException {
        final String[] queries = {"rate(requests_total[5m]) / rate(requests_total[10m])",
            "requests_total - requests_total offset 1m", "sum(rate(requests_total[5m])) + count(requests_total)"};
        for (final String q : queries) {
            final InMemorySeriesSource src = data(6, 500);
            final QueryResult want = new Engine(src, Engine.Options.DEFAULT).range(q, 600_000, 6_000_000, 60_000);
            // answers come only once both selects were sent: evaluating one selector after the other times out
            final InMemorySeriesSource gatedData = data(6, 500);
            final Engine gated = new Engine(new GatedSource(gatedData, 2), new Engine.Options(300_000, 50_000_000,
                1_000, 5_000));
            final QueryResult.Matrix got = (QueryResult.Matrix) gated.range(q, 600_000, 6_000_000, 60_000);
            assertEquals(2, gatedData.selects(), q);
            final QueryResult.Matrix expected = (QueryResult.Matrix) want;
            assertEquals(expected.series().size(), got.series().size(), q);
            for (int i = 0; i < got.series().size(); i++) {
                assertEquals(expected.series().get(i).labels(), got.series().get(i).labels(), q);
                assertArrayEquals(expected.series().get(i).timestamps(), got.series().get(i).timestamps(), q);
                assertArrayEquals(expected.series().get(i).values(), got.series().get(i).values(), q);
            }
        }
    }

    @Test
    void shouldFailWithExecutionErrorWhenSampleLimitExceeded() {
        final Engine engine = new Engine(data(10, 1000), new Engine.Options(300_000, 5_000, 100, 10_000));
        final QueryException e = assertThrows(QueryException.class,
            () -> engine.range("requests_total", 0, 14_000_000, 15_000));
        assertEquals(QueryException.Type.EXECUTION, e.type());
        assertTrue(e.getMessage().contains("too many samples"), e.getMessage());
    }

    @Test
    void shouldFailWithExecutionErrorWhenSeriesLimitExceeded() {
        final Engine engine = new Engine(data(10, 10), new Engine.Options(300_000, 1_000_000, 5, 10_000));
        final QueryException e = assertThrows(QueryException.class, () -> engine.instant("requests_total", 60_000));
        assertEquals(QueryException.Type.EXECUTION, e.type());
        assertTrue(e.getMessage().contains("too many series"), e.getMessage());
    }

    @Test
    void shouldFailWithTimeoutWhenStorageNeverAnswers() {
        final SeriesSource hanging = new SeriesSource() {
            @Override
            public CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
                return new CompletableFuture<>();
            }

            @Override
            public CompletableFuture<Long> cleanTombstones() {
                return new CompletableFuture<>();
            }
        };
        final Engine engine = new Engine(hanging, new Engine.Options(300_000, 1_000_000, 5, 200));
        final QueryException e = assertThrows(QueryException.class, () -> engine.instant("up", 0));
        assertEquals(QueryException.Type.TIMEOUT, e.type());
    }

    @Test
    void shouldReturnRawSamplesWhenInstantQueryIsRangeVector() throws ParseException {
        final Engine engine = new Engine(data(1, 10), Engine.Options.DEFAULT);
        final QueryResult.Matrix m = (QueryResult.Matrix) engine.instant("requests_total[30s]", 60_000);
        assertEquals(1, m.series().size());
        final QueryResult.Series s = m.series().getFirst();
        assertEquals(3, s.timestamps().length);
        assertEquals(30_000, s.timestamps()[0]);
        assertEquals(60_000, s.timestamps()[2]);
    }

    @Test
    void shouldReturnStringWhenQueryIsStringLiteral() throws ParseException {
        final Engine engine = new Engine(data(1, 1), Engine.Options.DEFAULT);
        assertEquals(new QueryResult.Str(5_000, "hello"), engine.instant("\"hello\"", 5_000));
    }

    private static String vectorExpr(final java.util.SplittableRandom r, final int depth) {
        final String[] leaves = {"requests_total", "requests_total{region=\"r1\"}", "requests_total offset 1m",
            "vector(1)", "requests_total @ 120"};
        if (depth <= 0) {
            return leaves[r.nextInt(leaves.length)];
        }
        final String a = "(" + vectorExpr(r, depth - 1) + ")";
        final String b = "(" + vectorExpr(r, depth - 1) + ")";
        final String[] forms = {"sum by (region) (" + a + ")", "rate(requests_total[2m])", "-" + a,
            a + " + on(region) group_left " + "max by (region) (" + b + ")", a + " / " + b, a + " > bool 3",
            a + " and " + b, a + " or " + b, a + " unless " + b, "topk(2, " + a + ")", "abs(" + a + ")",
            "max_over_time(" + a + "[3m:1m])", "count_values(\"v\", " + a + ")", "absent(" + a + ")",
            "label_replace(" + a + ", \"x\", \"$1\", \"host\", \"h(.*)\")", "histogram_quantile(0.5, " + a + ")",
            "scalar(" + a + ") * " + b, "timestamp(" + a + ")", "sort_desc(" + a + ")", "quantile(0.3, " + a + ")",
            a + " * ignoring(host) " + b, "clamp(" + a + ", 1, 5)", "stddev without (host) (" + a + ")",
            "time() - " + a, "round(" + a + ", 0.5)", "deriv(requests_total[3m])", "irate(requests_total[3m])"};
        return forms[r.nextInt(forms.length)];
    }

    @Test
    void shouldAnswerResultOrQueryErrorWhenEvaluatingRandomExpressions() throws ParseException {
        final long seed = Seeds.seed();
        final java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        final Engine engine = new Engine(data(6, 40), Engine.Options.DEFAULT);
        int answered = 0;
        for (int i = 0; i < 400; i++) {
            final String q = vectorExpr(r, r.nextInt(4));
            try {
                engine.range(q, 0, 600_000, 30_000);
                engine.instant(q, 300_000);
                answered++;
            } catch (final QueryException e) {
                assertEquals(QueryException.Type.EXECUTION, e.type(), "seed=" + seed + " " + q);
            } catch (final RuntimeException e) {
                throw new AssertionError("seed=" + seed + " query=" + q + " threw " + e, e);
            }
        }
        assertTrue(answered > 100, "seed=" + seed + ": only " + answered + " answered");
    }

    @Test
    void shouldFormatFloatsLikePrometheusWhenWritingValues() {
        assertEquals("1", PromFloats.format(1));
        assertEquals("0.1", PromFloats.format(0.1));
        assertEquals("-2.5", PromFloats.format(-2.5));
        assertEquals("100000000000000000000", PromFloats.format(1e20));
        assertEquals("0.000001", PromFloats.format(1e-6));
        assertEquals("NaN", PromFloats.format(Double.NaN));
        assertEquals("+Inf", PromFloats.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PromFloats.format(Double.NEGATIVE_INFINITY));
        assertEquals("0.16666666666666666", PromFloats.format(1.0 / 6));
    }
}
