package io.metricstream.query.eval.aggregations;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.PromFloats;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepString;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.eval.functions.Quantiles;
import io.metricstream.query.promql.ast.AggregateExpr;
import io.metricstream.query.promql.ast.AggregateOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregation operators. Group membership is computed once per input series (not per step); the per-step loop
 * then only adds into primitive accumulators indexed by group. Numeric behaviour follows Prometheus 2.x
 * (incremental mean for avg, Welford for stddev/stdvar, NaN never wins min/max unless alone).
 */
public final class Aggregations {
    private Aggregations() {
    }

    /** Evaluates an aggregation. */
    public static StepVector aggregate(final Evaluator ev, final AggregateExpr a) {
        final StepVector in = ev.evalVector(a.expr());
        final int steps = ev.steps();
        double[] param = null;
        String label = null;
        if (a.op() == AggregateOp.COUNT_VALUES) {
            label = ((StepString) ev.eval(a.param())).value();
            if (!MetricNames.isValidLabelName(label)) {
                throw QueryException.execution("invalid label name \"" + label + "\"");
            }
        } else if (a.param() != null) {
            param = ev.evalScalar(a.param()).values();
        }
        final List<StepSeries> series = in.series();
        final int[] groupOf = new int[series.size()];
        final List<LabelSet> groupLabels = new ArrayList<>();
        final Map<LabelSet, Integer> index = new HashMap<>();
        final Set<String> grouping = new HashSet<>(a.grouping());
        for (int i = 0; i < series.size(); i++) {
            final LabelSet key = groupKey(series.get(i).labels(), grouping, a.without());
            Integer g = index.get(key);
            if (g == null) {
                g = groupLabels.size();
                index.put(key, g);
                groupLabels.add(key);
            }
            groupOf[i] = g;
        }
        final int groups = groupLabels.size();
        return switch (a.op()) {
            case TOPK, BOTTOMK -> TopK.select(ev, series, groupOf, groups, param, a.op() == AggregateOp.TOPK);
            case QUANTILE -> quantile(steps, series, groupOf, groupLabels, param);
            case COUNT_VALUES -> countValues(steps, series, groupOf, groupLabels, label);
            default -> simple(a.op(), steps, series, groupOf, groupLabels);
        };
    }

    private static LabelSet groupKey(final LabelSet labels, final Set<String> grouping, final boolean without) {
        final LabelSet.Builder b = LabelSet.builder();
        for (int i = 0; i < labels.size(); i++) {
            final String name = labels.name(i);
            final boolean listed = grouping.contains(name);
            if (without ? !listed && !name.equals(MetricNames.METRIC_NAME_LABEL) : listed) {
                b.add(name, labels.value(i));
            }
        }
        return b.build();
    }

    private static StepVector simple(final AggregateOp op, final int steps, final List<StepSeries> series,
                                     final int[] groupOf, final List<LabelSet> groupLabels) {
        final int groups = groupLabels.size();
        final double[][] value = new double[groups][steps];
        final double[][] mean = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? new double[groups][steps]
            : null;
        final int[][] count = new int[groups][steps];
        for (int s = 0; s < series.size(); s++) {
            final StepSeries in = series.get(s);
            final double[] vs = in.values();
            final boolean[] present = in.present();
            final double[] acc = value[groupOf[s]];
            final int[] cnt = count[groupOf[s]];
            final double[] mn = mean == null ? null : mean[groupOf[s]];
            switch (op) {
                case SUM -> {
                    sumInto(vs, present, acc, cnt, steps);
                    continue;
                }
                case MIN, MAX -> {
                    minMaxInto(vs, present, acc, cnt, steps, op == AggregateOp.MAX);
                    continue;
                }
                default -> {
                }
            }
            for (int i = 0; i < steps; i++) {
                if (!present[i]) {
                    continue;
                }
                final double v = vs[i];
                final int c = ++cnt[i];
                switch (op) {
                    case AVG -> acc[i] = avgStep(acc[i], v, c);
                    case COUNT -> acc[i] = c;
                    case GROUP -> acc[i] = 1;
                    case STDDEV, STDVAR -> {
                        if (c == 1) {
                            mn[i] = v;
                            acc[i] = 0;
                        } else {
                            final double delta = v - mn[i];
                            mn[i] += delta / c;
                            acc[i] += delta * (v - mn[i]);
                        }
                    }
                    default -> throw new IllegalArgumentException("not a simple aggregation: " + op);
                }
            }
        }
        final List<StepSeries> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            final boolean[] present = new boolean[steps];
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                if (count[g][i] > 0) {
                    present[i] = true;
                    any = true;
                    if (op == AggregateOp.STDVAR) {
                        value[g][i] = value[g][i] / count[g][i];
                    } else if (op == AggregateOp.STDDEV) {
                        value[g][i] = Math.sqrt(value[g][i] / count[g][i]);
                    }
                }
            }
            if (any) {
                out.add(new StepSeries(groupLabels.get(g), value[g], present));
            }
        }
        return new StepVector(steps, out);
    }

    /**
     * {@code sum}'s step loop for one input series, the operator switch hoisted out of it (Q1 adds 100 series of
     * 1,441 steps): the first value of a step is taken as is, later ones are added in series order, as Prometheus.
     */
    private static void sumInto(final double[] vs, final boolean[] present, final double[] acc, final int[] cnt,
                                final int steps) {
        for (int i = 0; i < steps; i++) {
            if (present[i]) {
                acc[i] = cnt[i]++ == 0 ? vs[i] : acc[i] + vs[i];
            }
        }
    }

    /** {@code min}/{@code max}'s step loop for one input series: a NaN is kept only while every value so far is NaN. */
    private static void minMaxInto(final double[] vs, final boolean[] present, final double[] acc, final int[] cnt,
                                   final int steps, final boolean max) {
        for (int i = 0; i < steps; i++) {
            if (present[i]) {
                final double v = vs[i];
                final double a = acc[i];
                final boolean replace = max ? a < v : a > v;
                acc[i] = cnt[i]++ == 0 || replace || Double.isNaN(a) ? v : a;
            }
        }
    }

    private static double avgStep(final double mean, final double v, final int count) {
        if (count == 1) {
            return v;
        }
        if (Double.isInfinite(mean)) {
            if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                return mean;
            }
            if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                return mean;
            }
        }
        return mean + v / count - mean / count;
    }

    private static StepVector quantile(final int steps, final List<StepSeries> series, final int[] groupOf,
                                       final List<LabelSet> groupLabels, final double[] q) {
        final int groups = groupLabels.size();
        final List<List<Integer>> members = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int s = 0; s < series.size(); s++) {
            members.get(groupOf[s]).add(s);
        }
        final double[] scratch = new double[series.size()];
        final List<StepSeries> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            final double[] values = new double[steps];
            final boolean[] present = new boolean[steps];
            for (int i = 0; i < steps; i++) {
                int n = 0;
                for (final int s : members.get(g)) {
                    if (series.get(s).present()[i]) {
                        scratch[n++] = series.get(s).values()[i];
                    }
                }
                if (n > 0) {
                    values[i] = Quantiles.quantile(q[i], scratch, n);
                    present[i] = true;
                }
            }
            out.add(new StepSeries(groupLabels.get(g), values, present));
        }
        return new StepVector(steps, out);
    }

    private static StepVector countValues(final int steps, final List<StepSeries> series, final int[] groupOf,
                                          final List<LabelSet> groupLabels, final String label) {
        final Map<LabelSet, StepSeries> out = new LinkedHashMap<>();
        for (int s = 0; s < series.size(); s++) {
            final StepSeries in = series.get(s);
            final LabelSet base = groupLabels.get(groupOf[s]);
            for (int i = 0; i < steps; i++) {
                if (!in.present()[i]) {
                    continue;
                }
                final LabelSet key = base.toBuilder().add(label, PromFloats.format(in.values()[i])).build();
                final StepSeries target = out.computeIfAbsent(key, k -> StepSeries.empty(k, steps));
                target.present()[i] = true;
                target.values()[i] += 1;
            }
        }
        return new StepVector(steps, new ArrayList<>(out.values()));
    }
}
