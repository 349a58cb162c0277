package io.metricstream.query.eval.binary;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.eval.StepScalar;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepValue;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.promql.ast.BinaryExpr;
import io.metricstream.query.promql.ast.BinaryOp;
import io.metricstream.query.promql.ast.VectorMatching;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binary operators between scalars and vectors. Vector matching is resolved once per series pair (signatures
 * and result labels), then values are combined per step; cardinality errors are detected per step exactly where
 * Prometheus would raise them.
 */
public final class BinaryOperators {
    private BinaryOperators() {
    }

    /** Evaluates {@code b}. */
    public static StepValue eval(final Evaluator ev, final BinaryExpr b) {
        final StepValue l = ev.eval(b.lhs());
        final StepValue r = ev.eval(b.rhs());
        final int steps = ev.steps();
        if (l instanceof StepScalar ls && r instanceof StepScalar rs) {
            final double[] out = new double[steps];
            for (int i = 0; i < steps; i++) {
                final double v = apply(b.op(), ls.values()[i], rs.values()[i]);
                out[i] = b.op().isComparison() ? (compare(b.op(), ls.values()[i], rs.values()[i]) ? 1 : 0) : v;
            }
            return new StepScalar(out);
        }
        if (l instanceof StepVector lv && r instanceof StepVector rv) {
            if (b.op().isSetOperator()) {
                return SetOperators.eval(ev, b.op(), b.matching(), lv, rv);
            }
            return vectorVector(ev, b, lv, rv);
        }
        if (l instanceof StepVector lv) {
            return vectorScalar(ev, b, lv, ((StepScalar) r).values(), false);
        }
        return vectorScalar(ev, b, (StepVector) r, ((StepScalar) l).values(), true);
    }

    /** Arithmetic value of {@code l op r} (comparisons answer {@code l}). */
    public static double apply(final BinaryOp op, final double l, final double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> pow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            default -> l;
        };
    }

    /** Go's {@code math.Pow} special cases where Java's differ. */
    private static double pow(final double x, final double y) {
        if (x == 1) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** Comparison result. */
    public static boolean compare(final BinaryOp op, final double l, final double r) {
        return switch (op) {
            case EQL -> l == r;
            case NEQ -> l != r;
            case GTR -> l > r;
            case LSS -> l < r;
            case GTE -> l >= r;
            case LTE -> l <= r;
            default -> throw new IllegalArgumentException("not a comparison: " + op);
        };
    }

    private static StepVector vectorScalar(final Evaluator ev, final BinaryExpr b, final StepVector v,
                                           final double[] scalar, final boolean scalarLeft) {
        final int steps = ev.steps();
        final BinaryOp op = b.op();
        final boolean dropName = !op.isComparison() || b.returnBool();
        final List<StepSeries> out = new ArrayList<>(v.series().size());
        for (final StepSeries s : v.series()) {
            final double[] values = s.values();
            final boolean[] present = s.present();
            for (int i = 0; i < steps; i++) {
                if (!present[i]) {
                    continue;
                }
                final double lv = scalarLeft ? scalar[i] : values[i];
                final double rv = scalarLeft ? values[i] : scalar[i];
                if (op.isComparison()) {
                    final boolean keep = compare(op, lv, rv);
                    if (b.returnBool()) {
                        values[i] = keep ? 1 : 0;
                    } else if (!keep) {
                        present[i] = false;
                    }
                } else {
                    values[i] = apply(op, lv, rv);
                }
            }
            out.add(dropName ? s.withLabels(s.labels().withoutMetricName()) : s);
        }
        return dropName ? ev.mergeSameLabels(out) : new StepVector(steps, out);
    }

    /** The matching signature of {@code labels}: the on() labels, or all but ignoring() labels and the name. */
    static LabelSet signature(final LabelSet labels, final VectorMatching m) {
        final LabelSet.Builder b = LabelSet.builder();
        final Set<String> listed = new HashSet<>(m.labels());
        for (int i = 0; i < labels.size(); i++) {
            final String name = labels.name(i);
            final boolean keep = m.on() ? listed.contains(name)
                : !listed.contains(name) && !name.equals(MetricNames.METRIC_NAME_LABEL);
            if (keep) {
                b.add(name, labels.value(i));
            }
        }
        return b.build();
    }

    private static LabelSet resultLabels(final LabelSet many, final LabelSet one, final BinaryExpr b) {
        final VectorMatching m = b.matching();
        final LabelSet.Builder lb = many.toBuilder();
        if (!b.op().isComparison() || b.returnBool()) {
            lb.remove(MetricNames.METRIC_NAME_LABEL);
        }
        if (m.card() == VectorMatching.Card.ONE_TO_ONE) {
            final Set<String> listed = new HashSet<>(m.labels());
            for (int i = 0; i < many.size(); i++) {
                final String name = many.name(i);
                if (m.on() ? !listed.contains(name) : listed.contains(name)) {
                    lb.remove(name);
                }
            }
        } else {
            for (final String ln : m.include()) {
                final String v = one.get(ln);
                if (v != null) {
                    lb.add(ln, v);
                } else {
                    lb.remove(ln);
                }
            }
        }
        return lb.build();
    }

    private static StepVector vectorVector(final Evaluator ev, final BinaryExpr b, final StepVector lhs,
                                           final StepVector rhs) {
        final int steps = ev.steps();
        final VectorMatching m = b.matching();
        final boolean swap = m.card() == VectorMatching.Card.ONE_TO_MANY;
        final List<StepSeries> many = swap ? rhs.series() : lhs.series();
        final List<StepSeries> one = swap ? lhs.series() : rhs.series();
        final Map<LabelSet, List<Integer>> oneBySig = new LinkedHashMap<>();
        for (int j = 0; j < one.size(); j++) {
            oneBySig.computeIfAbsent(signature(one.get(j).labels(), m), k -> new ArrayList<>()).add(j);
        }
        for (final Map.Entry<LabelSet, List<Integer>> e : oneBySig.entrySet()) {
            if (e.getValue().size() > 1) {
                checkUniqueOneSide(one, e.getValue(), steps, swap, e.getKey());
            }
        }
        final List<StepSeries> out = new ArrayList<>();
        final Map<Object, List<StepSeries>> byKey = new HashMap<>();
        for (final StepSeries ms : many) {
            final LabelSet sig = signature(ms.labels(), m);
            final List<Integer> partners = oneBySig.get(sig);
            if (partners == null) {
                continue;
            }
            for (final int j : partners) {
                final StepSeries os = one.get(j);
                final StepSeries result = combine(b, ms, os, swap, steps);
                if (result == null) {
                    continue;
                }
                out.add(result);
                final Object key = m.card() == VectorMatching.Card.ONE_TO_ONE ? sig : List.of(sig, result.labels());
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
            }
        }
        for (final List<StepSeries> same : byKey.values()) {
            if (same.size() > 1) {
                checkNoOverlap(same, steps, m.card() == VectorMatching.Card.ONE_TO_ONE
                    ? "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
                    : "multiple matches for labels: grouping labels must ensure unique matches");
            }
        }
        return ev.mergeSameLabels(out);
    }

    private static StepSeries combine(final BinaryExpr b, final StepSeries ms, final StepSeries os,
                                      final boolean swap, final int steps) {
        final BinaryOp op = b.op();
        double[] values = null;
        boolean[] present = null;
        for (int i = 0; i < steps; i++) {
            if (!ms.present()[i] || !os.present()[i]) {
                continue;
            }
            final double vl = swap ? os.values()[i] : ms.values()[i];
            final double vr = swap ? ms.values()[i] : os.values()[i];
            double value;
            if (op.isComparison()) {
                final boolean keep = compare(op, vl, vr);
                if (b.returnBool()) {
                    value = keep ? 1 : 0;
                } else if (keep) {
                    value = vl;
                } else {
                    continue;
                }
            } else {
                value = apply(op, vl, vr);
            }
            if (values == null) {
                values = new double[steps];
                present = new boolean[steps];
            }
            values[i] = value;
            present[i] = true;
        }
        if (values == null) {
            return null;
        }
        return new StepSeries(resultLabels(ms.labels(), os.labels(), b), values, present);
    }

    private static void checkUniqueOneSide(final List<StepSeries> one, final List<Integer> members, final int steps,
                                           final boolean swap, final LabelSet sig) {
        for (int i = 0; i < steps; i++) {
            StepSeries first = null;
            for (final int j : members) {
                if (one.get(j).present()[i]) {
                    if (first != null) {
                        throw QueryException.execution("found duplicate series for the match group " + sig
                            + " on the " + (swap ? "left" : "right") + " hand-side of the operation: ["
                            + one.get(j).labels() + ", " + first.labels() + "];many-to-many matching not allowed: "
                            + "matching labels must be unique on one side");
                    }
                    first = one.get(j);
                }
            }
        }
    }

    private static void checkNoOverlap(final List<StepSeries> same, final int steps, final String message) {
        for (int i = 0; i < steps; i++) {
            int n = 0;
            for (final StepSeries s : same) {
                if (s.present()[i] && ++n > 1) {
                    throw QueryException.execution(message);
                }
            }
        }
    }
}
