package io.metricstream.query.eval.functions;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.WindowFunction;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.StepScalar;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepString;
import io.metricstream.query.eval.StepValue;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.eval.Windows;
import io.metricstream.query.promql.ast.Call;
import io.metricstream.query.promql.ast.Expr;
import io.metricstream.query.promql.ast.Function;
import io.metricstream.query.promql.ast.MatrixSelector;
import io.metricstream.query.promql.ast.ParenExpr;
import io.metricstream.query.promql.ast.SubqueryExpr;
import io.metricstream.query.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Dispatches a function call to its implementation. Stateless. */
public final class Functions {
    private Functions() {
    }

    /** Evaluates {@code c} over the evaluator's steps. */
    public static StepValue call(final Evaluator ev, final Call c) {
        final Function f = c.function();
        final List<Expr> args = c.args();
        final int steps = ev.steps();
        switch (f) {
            case TIME -> {
                final double[] out = new double[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = ev.time(i) / 1000.0;
                }
                return new StepScalar(out);
            }
            case PI -> {
                return StepScalar.constant(Math.PI, steps);
            }
            case VECTOR -> {
                final double[] v = ev.evalScalar(args.getFirst()).values().clone();
                final boolean[] present = new boolean[steps];
                java.util.Arrays.fill(present, true);
                return new StepVector(steps, List.of(new StepSeries(LabelSet.EMPTY, v, present)));
            }
            case SCALAR -> {
                return scalar(ev.evalVector(args.getFirst()), steps);
            }
            case ABSENT -> {
                return absent(ev.evalVector(args.getFirst()), absentLabels(args.getFirst()), steps);
            }
            case ABSENT_OVER_TIME -> {
                return RangeFunctions.absentOverTime(ev, ev.windows(args.getFirst()), absentLabels(args.getFirst()));
            }
            case TIMESTAMP -> {
                return timestamp(ev, args.getFirst());
            }
            case LABEL_REPLACE, LABEL_JOIN -> {
                return LabelFunctions.apply(ev, f, ev.evalVector(args.getFirst()), strings(ev, args));
            }
            case HISTOGRAM_QUANTILE -> {
                return HistogramQuantile.apply(ev, ev.evalScalar(args.get(0)).values(), ev.evalVector(args.get(1)));
            }
            case SORT, SORT_DESC -> {
                return ev.evalVector(args.getFirst());
            }
            default -> {
                return dispatchRest(ev, f, args);
            }
        }
    }

    private static StepValue dispatchRest(final Evaluator ev, final Function f, final List<Expr> args) {
        if (f.argType(0) == io.metricstream.query.promql.ast.ValueType.MATRIX) {
            final WindowFunction pushable = RangeFunctions.windowFunction(f);
            if (pushable != null) {
                final StepVector pushed = ev.pushdown(pushable, args.getFirst());
                if (pushed != null) {
                    return pushed;
                }
            }
            if (args.size() == 1) {
                final StepVector fused = ev.rangeFunctionFused(f, args.getFirst());
                if (fused != null) {
                    return fused;
                }
            }
            final Windows w = ev.windows(args.getFirst());
            final double[] a1 = args.size() > 1 ? ev.evalScalar(args.get(1)).values() : null;
            final double[] a2 = args.size() > 2 ? ev.evalScalar(args.get(2)).values() : null;
            return RangeFunctions.apply(ev, f, w, a1, a2);
        }
        if (f == Function.QUANTILE_OVER_TIME) {
            final double[] q = ev.evalScalar(args.get(0)).values();
            return RangeFunctions.apply(ev, f, ev.windows(args.get(1)), q, null);
        }
        if (args.isEmpty() && InstantFunctions.isDateFunction(f)) {
            return InstantFunctions.dateOfTime(ev, f);
        }
        final StepVector v = ev.evalVector(args.getFirst());
        final double[] a1 = args.size() > 1 ? ev.evalScalar(args.get(1)).values() : null;
        final double[] a2 = args.size() > 2 ? ev.evalScalar(args.get(2)).values() : null;
        return InstantFunctions.apply(ev, f, v, a1, a2);
    }

    private static List<String> strings(final Evaluator ev, final List<Expr> args) {
        final List<String> out = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            out.add(((StepString) ev.eval(args.get(i))).value());
        }
        return out;
    }

    private static StepScalar scalar(final StepVector v, final int steps) {
        final double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            int count = 0;
            double value = Double.NaN;
            for (final StepSeries s : v.series()) {
                if (s.present()[i]) {
                    count++;
                    value = s.values()[i];
                }
            }
            out[i] = count == 1 ? value : Double.NaN;
        }
        return new StepScalar(out);
    }

    private static StepVector absent(final StepVector v, final LabelSet labels, final int steps) {
        final double[] values = new double[steps];
        final boolean[] present = new boolean[steps];
        boolean any = false;
        for (int i = 0; i < steps; i++) {
            boolean seen = false;
            for (final StepSeries s : v.series()) {
                if (s.present()[i]) {
                    seen = true;
                    break;
                }
            }
            present[i] = !seen;
            values[i] = 1;
            any |= !seen;
        }
        return new StepVector(steps, any ? List.of(new StepSeries(labels, values, present)) : List.of());
    }

    /** Labels of absent(): the selector's equality matchers (a name matched twice is dropped), no metric name. */
    private static LabelSet absentLabels(final Expr arg) {
        Expr e = arg;
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        final VectorSelector vs = switch (e) {
            case VectorSelector s -> s;
            case MatrixSelector m -> m.selector();
            case SubqueryExpr s -> null;
            default -> null;
        };
        if (vs == null) {
            return LabelSet.EMPTY;
        }
        final LabelSet.Builder b = LabelSet.builder();
        final Set<String> seen = new HashSet<>();
        final Set<String> dropped = new HashSet<>();
        for (final LabelMatcher m : vs.matchers()) {
            if (m.type() == LabelMatcher.Type.EQ && !m.name().equals(MetricNames.METRIC_NAME_LABEL)) {
                if (!seen.add(m.name())) {
                    dropped.add(m.name());
                }
                b.add(m.name(), m.value());
            }
        }
        dropped.forEach(b::remove);
        return b.build();
    }

    private static StepVector timestamp(final Evaluator ev, final Expr arg) {
        Expr e = arg;
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        final StepVector v;
        if (e instanceof VectorSelector vs) {
            v = ev.selectInstant(vs, true);
        } else {
            v = ev.evalVector(arg);
            for (final StepSeries s : v.series()) {
                for (int i = 0; i < ev.steps(); i++) {
                    s.values()[i] = ev.time(i) / 1000.0;
                }
            }
        }
        final List<StepSeries> out = new ArrayList<>(v.series().size());
        for (final StepSeries s : v.series()) {
            out.add(s.withLabels(s.labels().withoutMetricName()));
        }
        return ev.mergeSameLabels(out);
    }
}
