package io.metricstream.query.eval;

import io.metricstream.query.promql.ParseException;
import io.metricstream.query.promql.Parser;
import io.metricstream.query.promql.ast.Call;
import io.metricstream.query.promql.ast.Expr;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.promql.ast.ParenExpr;
import io.metricstream.query.promql.ast.StringLiteral;
import io.metricstream.query.promql.ast.ValueType;
import io.metricstream.query.remote.SeriesSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses and evaluates PromQL queries against a {@link SeriesSource}: instant queries at one time, range queries
 * over [start, end] every step. Thread-safe: each query gets its own evaluator and context.
 */
public final class Engine {
    /** Prometheus's limit on points per series of a range query. */
    public static final int MAX_POINTS = 11_000;

    private final SeriesSource source;
    private final Options options;

    /**
     * Engine limits.
     *
     * @param lookbackMs lookback of instant selectors
     * @param maxSamples per-query sample budget
     * @param maxSeries per-selector series budget
     * @param timeoutMs per-query time budget
     * @param pushdownMinRangeMs shortest {@code <fn>_over_time} range pushed down to storage (0 = never)
     */
    public record Options(long lookbackMs, long maxSamples, int maxSeries, long timeoutMs, long pushdownMinRangeMs) {
        /** Default {@code pushdownMinRangeMs}: one hour, where storage's 5 m / 1 h rollups start to pay. */
        public static final long DEFAULT_PUSHDOWN_MIN_RANGE_MS = 3_600_000;
        /** Prometheus's defaults. */
        public static final Options DEFAULT = new Options(300_000, 50_000_000, 1_000_000, 120_000,
            DEFAULT_PUSHDOWN_MIN_RANGE_MS);

        /** Options with the default pushdown threshold. */
        public Options(final long lookbackMs, final long maxSamples, final int maxSeries, final long timeoutMs) {
            this(lookbackMs, maxSamples, maxSeries, timeoutMs, DEFAULT_PUSHDOWN_MIN_RANGE_MS);
        }

        /** These options with another pushdown threshold. */
        public Options withPushdownMinRangeMs(final long minRangeMs) {
            return new Options(lookbackMs, maxSamples, maxSeries, timeoutMs, minRangeMs);
        }
    }

    /** An engine over {@code source}. */
    public Engine(final SeriesSource source, final Options options) {
        this.source = source;
        this.options = options;
    }

    /** Evaluates {@code query} at {@code timeMs}. */
    public QueryResult instant(final String query, final long timeMs) throws ParseException {
        return instant(query, timeMs, options.timeoutMs());
    }

    /** Evaluates {@code query} at {@code timeMs} within {@code timeoutMs} (capped by the configured timeout). */
    public QueryResult instant(final String query, final long timeMs, final long timeoutMs) throws ParseException {
        final Expr e = Parser.parse(query);
        final QueryContext ctx = context(timeMs, timeMs, timeoutMs);
        final Evaluator ev = new Evaluator(ctx, timeMs, timeMs, 1);
        final Expr inner = unwrap(e);
        if (inner.type() == ValueType.MATRIX) {
            return matrixAt(ev, inner);
        }
        if (inner instanceof StringLiteral s) {
            return new QueryResult.Str(timeMs, s.value());
        }
        ev.prefetch(e);
        final StepValue v = ev.eval(e);
        if (v instanceof StepScalar s) {
            return new QueryResult.Scalar(timeMs, s.values()[0]);
        }
        if (v instanceof StepString s) {
            return new QueryResult.Str(timeMs, s.value());
        }
        final List<QueryResult.Sample> samples = new ArrayList<>();
        for (final StepSeries s : ((StepVector) v).series()) {
            if (s.present()[0]) {
                samples.add(new QueryResult.Sample(s.labels(), s.values()[0]));
            }
        }
        final Function order = topFunction(e);
        if (order == Function.SORT) {
            samples.sort(Comparator.comparingDouble(Engine::sortKey));
        } else if (order == Function.SORT_DESC) {
            samples.sort(Comparator.comparingDouble(Engine::sortKey).reversed());
            moveNaNsLast(samples);
        } else {
            samples.sort(Comparator.comparing(QueryResult.Sample::labels));
        }
        return new QueryResult.Vector(timeMs, samples);
    }

    private static double sortKey(final QueryResult.Sample s) {
        return Double.isNaN(s.value()) ? Double.NEGATIVE_INFINITY : s.value();
    }

    private static void moveNaNsLast(final List<QueryResult.Sample> samples) {
        final List<QueryResult.Sample> nans = new ArrayList<>();
        samples.removeIf(s -> Double.isNaN(s.value()) && nans.add(s));
        samples.addAll(nans);
    }

    /** Evaluates {@code query} over [startMs, endMs] every stepMs. */
    public QueryResult range(final String query, final long startMs, final long endMs, final long stepMs)
        throws ParseException {
        return range(query, startMs, endMs, stepMs, options.timeoutMs());
    }

    /** Evaluates a range query within {@code timeoutMs} (capped by the configured timeout). */
    public QueryResult range(final String query, final long startMs, final long endMs, final long stepMs,
                             final long timeoutMs) throws ParseException {
        final Expr e = Parser.parse(query);
        if (e.type() != ValueType.SCALAR && e.type() != ValueType.VECTOR) {
            throw new QueryException(QueryException.Type.BAD_DATA, "invalid expression type \""
                + e.type().description() + "\" for range query, must be Scalar or instant Vector");
        }
        final QueryContext ctx = context(startMs, endMs, timeoutMs);
        final Evaluator ev = new Evaluator(ctx, startMs, endMs, stepMs);
        ev.prefetch(e);
        final StepValue v = ev.eval(e);
        final List<QueryResult.Series> out = new ArrayList<>();
        if (v instanceof StepScalar s) {
            final long[] ts = new long[ev.steps()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = ev.time(i);
            }
            out.add(new QueryResult.Series(io.metricstream.contracts.model.LabelSet.EMPTY, ts, s.values()));
            return new QueryResult.Matrix(out);
        }
        for (final StepSeries s : ((StepVector) v).series()) {
            final int n = s.presentCount();
            if (n == 0) {
                continue;
            }
            final long[] ts = new long[n];
            final double[] vs = new double[n];
            int k = 0;
            for (int i = 0; i < ev.steps(); i++) {
                if (s.present()[i]) {
                    ts[k] = ev.time(i);
                    vs[k++] = s.values()[i];
                }
            }
            out.add(new QueryResult.Series(s.labels(), ts, vs));
        }
        out.sort(Comparator.comparing(QueryResult.Series::labels));
        return new QueryResult.Matrix(out);
    }

    private QueryContext context(final long startMs, final long endMs, final long timeoutMs) {
        return new QueryContext(source, options.lookbackMs(), startMs, endMs, options.maxSamples(),
            options.maxSeries(), Math.max(1, Math.min(timeoutMs, options.timeoutMs())), options.pushdownMinRangeMs());
    }

    private static QueryResult matrixAt(final Evaluator ev, final Expr e) {
        final Windows w = ev.windows(e);
        final long end = w.ends()[0];
        final long start = end - w.rangeMs();
        final List<QueryResult.Series> out = new ArrayList<>();
        for (final RangeSeries s : w.series()) {
            int lo = 0;
            while (lo < s.size() && s.timestamps()[lo] < start) {
                lo++;
            }
            int hi = lo;
            while (hi < s.size() && s.timestamps()[hi] <= end) {
                hi++;
            }
            if (hi > lo) {
                out.add(new QueryResult.Series(s.labels(), java.util.Arrays.copyOfRange(s.timestamps(), lo, hi),
                    java.util.Arrays.copyOfRange(s.values(), lo, hi)));
            }
        }
        out.sort(Comparator.comparing(QueryResult.Series::labels));
        return new QueryResult.Matrix(out);
    }

    private static Expr unwrap(final Expr e) {
        Expr x = e;
        while (x instanceof ParenExpr p) {
            x = p.expr();
        }
        return x;
    }

    private static Function topFunction(final Expr e) {
        final Expr x = unwrap(e);
        return x instanceof Call c ? c.function() : null;
    }
}
