package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.eval.aggregations.Aggregations;
import io.metricstream.query.eval.binary.BinaryOperators;
import io.metricstream.query.eval.functions.Functions;
import io.metricstream.query.eval.functions.RangeFunctions;
import io.metricstream.query.promql.ast.AggregateExpr;
import io.metricstream.query.promql.ast.At;
import io.metricstream.query.promql.ast.BinaryExpr;
import io.metricstream.query.promql.ast.Call;
import io.metricstream.query.promql.ast.Expr;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.promql.ast.MatrixSelector;
import io.metricstream.query.promql.ast.NumberLiteral;
import io.metricstream.query.promql.ast.ParenExpr;
import io.metricstream.query.promql.ast.StringLiteral;
import io.metricstream.query.promql.ast.SubqueryExpr;
import io.metricstream.query.promql.ast.UnaryExpr;
import io.metricstream.query.promql.ast.VectorSelector;
import io.metricstream.query.remote.SeriesSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates an expression over every step of one range ({@code start + i * step}, {@code i < steps}) at once.
 * Each selector is fetched once for the whole range (plus lookback or window) and then slid over per step on
 * primitive arrays. Subqueries evaluate their inner expression once with a nested evaluator on the aligned inner
 * range. Not thread-safe; one per query (and per subquery level).
 */
public final class Evaluator {
    /** Default subquery resolution when {@code [range:]} leaves the step out (Prometheus: evaluation interval). */
    public static final long DEFAULT_SUBQUERY_STEP_MS = 60_000;

    private final QueryContext ctx;
    private final long startMs;
    private final long stepMs;
    private final int steps;

    /** An evaluator over [startMs, endMs] every stepMs (stepMs &gt; 0 unless start == end). */
    public Evaluator(final QueryContext ctx, final long startMs, final long endMs, final long stepMs) {
        this.ctx = ctx;
        this.startMs = startMs;
        this.stepMs = stepMs <= 0 ? 1 : stepMs;
        this.steps = (int) ((endMs - startMs) / this.stepMs) + 1;
    }

    /** The shared query context. */
    public QueryContext ctx() {
        return ctx;
    }

    /** Number of steps. */
    public int steps() {
        return steps;
    }

    /** Evaluation time of step {@code i}. */
    public long time(final int i) {
        return startMs + i * stepMs;
    }

    /** Evaluates an expression of type scalar, instant vector or string. */
    public StepValue eval(final Expr e) {
        ctx.checkDeadline();
        return switch (e) {
            case NumberLiteral n -> StepScalar.constant(n.value(), steps);
            case StringLiteral s -> new StepString(s.value());
            case ParenExpr p -> eval(p.expr());
            case UnaryExpr u -> negate(eval(u.expr()), u.negate());
            case VectorSelector vs -> selectInstant(vs, false);
            case Call c -> Functions.call(this, c);
            case AggregateExpr a -> Aggregations.aggregate(this, a);
            case BinaryExpr b -> BinaryOperators.eval(this, b);
            case MatrixSelector m -> throw QueryException.execution("range vector selector not allowed here");
            case SubqueryExpr s -> throw QueryException.execution("subquery not allowed here");
        };
    }

    /** Evaluates an instant-vector expression. */
    public StepVector evalVector(final Expr e) {
        return (StepVector) eval(e);
    }

    /** Evaluates a scalar expression. */
    public StepScalar evalScalar(final Expr e) {
        return (StepScalar) eval(e);
    }

    private StepValue negate(final StepValue v, final boolean negate) {
        if (!negate) {
            return v;
        }
        if (v instanceof StepScalar s) {
            final double[] out = new double[steps];
            for (int i = 0; i < steps; i++) {
                out[i] = -s.values()[i];
            }
            return new StepScalar(out);
        }
        final StepVector vec = (StepVector) v;
        final List<StepSeries> out = new ArrayList<>(vec.series().size());
        for (final StepSeries s : vec.series()) {
            final double[] values = s.values();
            for (int i = 0; i < steps; i++) {
                values[i] = -values[i];
            }
            out.add(s.withLabels(s.labels().withoutMetricName()));
        }
        return mergeSameLabels(out);
    }

    private long[] refTimes(final At at, final long offsetMs) {
        final long[] refs = new long[steps];
        for (int i = 0; i < steps; i++) {
            refs[i] = at.resolve(time(i), ctx.queryStartMs(), ctx.queryEndMs()) - offsetMs;
        }
        return refs;
    }

    /**
     * Evaluates an instant selector: the latest sample within the lookback at each step, unless it is a stale
     * marker. With {@code timestamps}, the value is the sample's timestamp in seconds ({@code timestamp()}).
     */
    public StepVector selectInstant(final VectorSelector vs, final boolean timestamps) {
        final long[] refs = refTimes(vs.at(), vs.offsetMs());
        final long lookback = ctx.lookbackMs();
        final SelectRequest request = instantRequest(vs);
        final List<StepSeries> out;
        if (ctx.isPrefetched(false, request)) {
            final List<SeriesSamples> fetched = sorted(ctx.select(request));
            out = new ArrayList<>(fetched.size());
            for (final SeriesSamples s : fetched) {
                final StepSeries step = atSteps(s.labels(), s.timestamps(), s.values(), s.size(), refs, lookback,
                    timestamps);
                if (step != null) {
                    out.add(step);
                }
            }
        } else {
            // each series is taken at the steps on the decoding thread, straight from its decoded samples
            final List<SeriesSource.Mapped<StepSeries>> fetched = new ArrayList<>(ctx.selectMapped(request,
                (labels, ts, vals, n) -> atSteps(labels, ts, vals, n, refs, lookback, timestamps)));
            fetched.sort((a, b) -> a.labels().compareTo(b.labels()));
            out = new ArrayList<>(fetched.size());
            for (final SeriesSource.Mapped<StepSeries> m : fetched) {
                if (m.value() != null) {
                    out.add(m.value());
                }
            }
        }
        ctx.addSamples((long) out.size() * steps);
        return new StepVector(steps, out);
    }

    /**
     * One series at every step: the newest of {@code ts/vals[0, n)} within the lookback of each step's reference time
     * unless it is a stale marker; null when no step has one. Thread-safe (reads only).
     */
    private StepSeries atSteps(final LabelSet labels, final long[] ts, final double[] vals, final int n,
                               final long[] refs, final long lookback, final boolean timestamps) {
        final double[] values = new double[steps];
        final boolean[] present = new boolean[steps];
        boolean any = false;
        int j = -1;
        for (int i = 0; i < steps; i++) {
            final long ref = refs[i];
            // strides of 4 first: steps are usually several samples apart (60 s over 15 s), and a loop that
            // runs a regular number of times is predicted where the one-by-one scan mispredicts every step
            while (j + 4 < n && ts[j + 4] <= ref) {
                j += 4;
            }
            while (j + 1 < n && ts[j + 1] <= ref) {
                j++;
            }
            if (j >= 0 && ts[j] >= ref - lookback && !StaleMarker.isStale(vals[j])) {
                values[i] = timestamps ? ts[j] / 1000.0 : vals[j];
                present[i] = true;
                any = true;
            }
        }
        return any ? new StepSeries(labels, values, present) : null;
    }

    /**
     * {@code f} (without scalar arguments) over the windows of {@code arg} computed on the decoding threads, each
     * series right after it was decoded ({@link SeriesSource#selectRangeMapped}), or null when {@code arg} is not a
     * matrix selector or {@code f} scans long windows (see {@link RangeFunctions#fusable}). The same arithmetic
     * and order as {@link RangeFunctions#apply} over {@link #windows}; the select may have been sent by
     * {@link #prefetch}.
     */
    public StepVector rangeFunctionFused(final Function f, final Expr arg) {
        Expr e = arg;
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        if (!(e instanceof MatrixSelector m) || !fusable(f, m)) {
            return null;
        }
        final List<SeriesSource.Mapped<StepSeries>> fetched = new ArrayList<>(ctx.selectRangeMapped(f,
            rangeRequest(m), fusedMapper(f, m)));
        fetched.sort((a, b) -> a.labels().compareTo(b.labels()));
        final StepSeries[] results = new StepSeries[fetched.size()];
        for (int k = 0; k < results.length; k++) {
            results[k] = fetched.get(k).value();
        }
        return RangeFunctions.collect(this, results);
    }

    /**
     * {@code f} over the windows of {@code arg} computed by storage (SELECT_WINDOWS), or null when {@code arg} is
     * not a matrix selector of at least {@link QueryContext#pushdownMinRangeMs()} or its window ends are not evenly
     * spaced (they always are: steps are, and offset / {@code @} shift or pin them). A pinned {@code @} asks for one
     * window and repeats it over the steps. Labels as PromQL's: the metric name dropped except for LAST.
     */
    public StepVector pushdown(final WindowFunction f, final Expr arg) {
        Expr e = arg;
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        if (!pushable(e)) {
            return null;
        }
        final MatrixSelector m = (MatrixSelector) e;
        final VectorSelector vs = m.selector();
        final long[] refs = refTimes(vs.at(), vs.offsetMs());
        final long windowStep = steps > 1 ? refs[1] - refs[0] : 0;
        for (int i = 2; i < steps; i++) {
            if (refs[i] - refs[i - 1] != windowStep) {
                return null;
            }
        }
        final boolean pinned = windowStep == 0;
        final List<SeriesWindows> fetched = new ArrayList<>(ctx.selectWindows(new WindowRequest(refs[0], windowStep,
            pinned ? 1 : steps, m.rangeMs(), f, 0, vs.matchers())));
        fetched.sort((a, b) -> a.labels().compareTo(b.labels()));
        final List<StepSeries> out = new ArrayList<>(fetched.size());
        final Set<LabelSet> seen = new HashSet<>();
        for (final SeriesWindows w : fetched) {
            final double[] values = new double[steps];
            final boolean[] present = new boolean[steps];
            if (pinned) {
                Arrays.fill(values, w.values()[0]);
                Arrays.fill(present, true);
            } else {
                if (w.steps()[w.size() - 1] >= steps) {
                    throw new QueryException(QueryException.Type.UNAVAILABLE, "bad select windows answer: step index "
                        + w.steps()[w.size() - 1] + " >= stepCount " + steps + " for " + w.labels());
                }
                for (int p = 0; p < w.size(); p++) {
                    values[w.steps()[p]] = w.values()[p];
                    present[w.steps()[p]] = true;
                }
            }
            final LabelSet labels = f == WindowFunction.LAST ? w.labels() : w.labels().withoutMetricName();
            if (!seen.add(labels)) {
                throw QueryException.execution("vector cannot contain metrics with the same labelset");
            }
            out.add(new StepSeries(labels, values, present));
        }
        ctx.addSamples((long) out.size() * steps);
        return new StepVector(steps, out);
    }

    /** Whether {@code e} (parentheses removed), the argument of a pushable function, is pushed down. */
    private boolean pushable(final Expr e) {
        final long minRange = ctx.pushdownMinRangeMs();
        return e instanceof MatrixSelector m && minRange > 0 && m.rangeMs() >= minRange
            && steps <= WindowRequest.MAX_STEPS;
    }

    /** What {@link #rangeFunctionFused} computes per series on the decoding threads (thread-safe: reads only). */
    private java.util.function.Function<RangeSeries, StepSeries> fusedMapper(final Function f, final MatrixSelector m) {
        final VectorSelector vs = m.selector();
        final Windows template = new Windows(List.of(), refTimes(vs.at(), vs.offsetMs()), m.rangeMs());
        return s -> RangeFunctions.one(this, f, template, s);
    }

    /** {@code c}'s matrix selector when {@link #rangeFunctionFused} evaluates it, else null. */
    private MatrixSelector fusedArgument(final Call c) {
        if (c.args().size() != 1) {
            return null;
        }
        Expr x = c.args().getFirst();
        while (x instanceof ParenExpr p) {
            x = p.expr();
        }
        if (!(x instanceof MatrixSelector fm) || !fusable(c.function(), fm)) {
            return null;
        }
        final boolean pushdown = RangeFunctions.windowFunction(c.function()) != null && pushable(x);
        return pushdown ? null : fm;
    }

    /** {@link RangeFunctions#fusable} of {@code f} over {@code m} at this evaluator's step. */
    private boolean fusable(final Function f, final MatrixSelector m) {
        return RangeFunctions.fusable(f, m.rangeMs(), steps > 1 ? stepMs : 0);
    }

    /**
     * Sends the selects of every selector of {@code e} evaluated at this evaluator's steps (not those inside
     * subqueries, nor those pushed down) at once, when there are at least two: their storage round trips and
     * decoding then overlap each other and the evaluation of the first, instead of running one after another
     * ({@code rate(a[5m]) + rate(b[5m])} waited for a's answer before asking for b). Each prefetched answer is
     * consumed by the one {@link #selectInstant} / {@link #windows} call that asks the same request.
     */
    public void prefetch(final Expr e) {
        final List<SelectRequest> instant = new ArrayList<>();
        final List<SelectRequest> range = new ArrayList<>();
        final List<Call> fused = new ArrayList<>();
        collectSelects(e, instant, range, fused);
        if (instant.size() + range.size() + fused.size() < 2) {
            return;
        }
        instant.forEach(ctx::prefetchSamples);
        range.forEach(ctx::prefetchRange);
        for (final Call c : fused) {
            final MatrixSelector m = fusedArgument(c);
            ctx.prefetchRangeMapped(c.function(), rangeRequest(m), fusedMapper(c.function(), m));
        }
    }

    private void collectSelects(final Expr e, final List<SelectRequest> instant, final List<SelectRequest> range,
                                final List<Call> fused) {
        switch (e) {
            case VectorSelector vs -> instant.add(instantRequest(vs));
            case MatrixSelector m -> range.add(rangeRequest(m));
            case ParenExpr p -> collectSelects(p.expr(), instant, range, fused);
            case UnaryExpr u -> collectSelects(u.expr(), instant, range, fused);
            case BinaryExpr b -> {
                collectSelects(b.lhs(), instant, range, fused);
                collectSelects(b.rhs(), instant, range, fused);
            }
            case AggregateExpr a -> {
                collectSelects(a.expr(), instant, range, fused);
                if (a.param() != null) {
                    collectSelects(a.param(), instant, range, fused);
                }
            }
            case Call c when fusedArgument(c) != null -> fused.add(c);
            case Call c -> {
                final boolean pushdown = RangeFunctions.windowFunction(c.function()) != null;
                for (final Expr arg : c.args()) {
                    Expr x = arg;
                    while (x instanceof ParenExpr p) {
                        x = p.expr();
                    }
                    if (!(pushdown && pushable(x))) {
                        collectSelects(arg, instant, range, fused);
                    }
                }
            }
            default -> {
                // literals; subqueries select on their own inner range
            }
        }
    }

    private SelectRequest instantRequest(final VectorSelector vs) {
        final long[] refs = refTimes(vs.at(), vs.offsetMs());
        return new SelectRequest(refs[0] - ctx.lookbackMs(), refs[steps - 1], 0, vs.matchers());
    }

    private SelectRequest rangeRequest(final MatrixSelector m) {
        final VectorSelector vs = m.selector();
        final long[] refs = refTimes(vs.at(), vs.offsetMs());
        return new SelectRequest(refs[0] - m.rangeMs(), refs[steps - 1], 0, vs.matchers());
    }

    /** The windows of a range-vector argument (a matrix selector or a subquery) at every step. */
    public Windows windows(final Expr e) {
        return switch (e) {
            case ParenExpr p -> windows(p.expr());
            case MatrixSelector m -> matrixWindows(m);
            case SubqueryExpr s -> subqueryWindows(s);
            default -> throw QueryException.execution("expected a range vector, got " + e.type().description());
        };
    }

    private Windows matrixWindows(final MatrixSelector m) {
        final VectorSelector vs = m.selector();
        final long[] refs = refTimes(vs.at(), vs.offsetMs());
        final List<RangeSeries> series = new ArrayList<>(ctx.selectRange(rangeRequest(m)));
        series.sort((a, b) -> a.labels().compareTo(b.labels()));
        return new Windows(series, refs, m.rangeMs());
    }

    /**
     * Series in label order, as Prometheus's storage yields them: aggregation results then round exactly like
     * Prometheus's (floating-point sums depend on the order), and ties in topk/bottomk break the same way.
     */
    private static List<SeriesSamples> sorted(final List<SeriesSamples> in) {
        final List<SeriesSamples> out = new ArrayList<>(in);
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    private Windows subqueryWindows(final SubqueryExpr s) {
        final long[] refs = refTimes(s.at(), s.offsetMs());
        final long step = s.stepMs() > 0 ? s.stepMs() : DEFAULT_SUBQUERY_STEP_MS;
        final long lowest = refs[0] - s.rangeMs();
        // Go's integer division truncates toward zero; Prometheus aligns with it.
        long innerStart = step * (lowest / step);
        if (innerStart < lowest) {
            innerStart += step;
        }
        final long innerEnd = refs[steps - 1];
        if (innerEnd < innerStart) {
            return new Windows(List.of(), refs, s.rangeMs());
        }
        final Evaluator inner = new Evaluator(ctx, innerStart, innerEnd, step);
        final StepVector v = inner.evalVector(s.expr());
        final List<RangeSeries> series = new ArrayList<>(v.series().size());
        for (final StepSeries ss : v.series()) {
            final int n = ss.presentCount();
            final long[] ts = new long[n];
            final double[] vals = new double[n];
            int k = 0;
            for (int i = 0; i < inner.steps(); i++) {
                if (ss.present()[i]) {
                    ts[k] = inner.time(i);
                    vals[k++] = ss.values()[i];
                }
            }
            series.add(new RangeSeries(ss.labels(), ts, vals, n, RangeSeries.mayReset(vals, n)));
        }
        return new Windows(series, refs, s.rangeMs());
    }

    /**
     * Merges series that share a label set (after labels were rewritten); two of them present at the same step is
     * Prometheus's "vector cannot contain metrics with the same labelset".
     */
    public StepVector mergeSameLabels(final List<StepSeries> series) {
        final Map<LabelSet, Integer> index = new HashMap<>(series.size() * 2);
        final List<StepSeries> out = new ArrayList<>(series.size());
        for (final StepSeries s : series) {
            final Integer at = index.putIfAbsent(s.labels(), out.size());
            if (at == null) {
                out.add(s);
                continue;
            }
            final StepSeries prev = out.get(at);
            final double[] values = prev.values().clone();
            final boolean[] present = prev.present().clone();
            for (int i = 0; i < steps; i++) {
                if (s.present()[i]) {
                    if (present[i]) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                    present[i] = true;
                    values[i] = s.values()[i];
                }
            }
            out.set(at, new StepSeries(prev.labels(), values, present));
        }
        return new StepVector(steps, out);
    }
}
