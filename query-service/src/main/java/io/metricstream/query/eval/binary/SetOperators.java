package io.metricstream.query.eval.binary;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.promql.ast.BinaryOp;
import io.metricstream.query.promql.ast.VectorMatching;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** and, or, unless: per step, a signature's presence on the other side decides; labels are kept as they are. */
final class SetOperators {
    private SetOperators() {
    }

    static StepVector eval(final Evaluator ev, final BinaryOp op, final VectorMatching m, final StepVector lhs,
                           final StepVector rhs) {
        final int steps = ev.steps();
        final Map<LabelSet, boolean[]> other = presence(op == BinaryOp.OR ? lhs : rhs, m, steps);
        final List<StepSeries> out = new ArrayList<>();
        if (op == BinaryOp.OR) {
            out.addAll(lhs.series());
            for (final StepSeries s : rhs.series()) {
                final boolean[] seen = other.get(BinaryOperators.signature(s.labels(), m));
                if (seen == null) {
                    out.add(s);
                    continue;
                }
                final boolean[] present = s.present().clone();
                boolean any = false;
                for (int i = 0; i < steps; i++) {
                    present[i] &= !seen[i];
                    any |= present[i];
                }
                if (any) {
                    out.add(new StepSeries(s.labels(), s.values(), present));
                }
            }
            return ev.mergeSameLabels(out);
        }
        for (final StepSeries s : lhs.series()) {
            final boolean[] seen = other.get(BinaryOperators.signature(s.labels(), m));
            final boolean[] present = s.present().clone();
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                final boolean matched = seen != null && seen[i];
                present[i] &= op == BinaryOp.AND ? matched : !matched;
                any |= present[i];
            }
            if (any) {
                out.add(new StepSeries(s.labels(), s.values(), present));
            }
        }
        return new StepVector(steps, out);
    }

    private static Map<LabelSet, boolean[]> presence(final StepVector v, final VectorMatching m, final int steps) {
        final Map<LabelSet, boolean[]> out = new HashMap<>();
        for (final StepSeries s : v.series()) {
            final boolean[] p = out.computeIfAbsent(BinaryOperators.signature(s.labels(), m), k -> new boolean[steps]);
            for (int i = 0; i < steps; i++) {
                p[i] |= s.present()[i];
            }
        }
        return out;
    }
}
