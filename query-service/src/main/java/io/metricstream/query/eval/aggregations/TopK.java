package io.metricstream.query.eval.aggregations;

import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.QueryException;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import java.util.ArrayList;
import java.util.List;

/**
 * topk / bottomk: per step and group, the k best series keep their sample (labels unchanged); NaN ranks last
 * either way, as in Prometheus.
 */
final class TopK {
    private TopK() {
    }

    static StepVector select(final Evaluator ev, final List<StepSeries> series, final int[] groupOf,
                             final int groups, final double[] param, final boolean top) {
        final int steps = ev.steps();
        final List<List<Integer>> members = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int s = 0; s < series.size(); s++) {
            members.get(groupOf[s]).add(s);
        }
        final boolean[][] keep = new boolean[series.size()][steps];
        final int[] chosen = new int[series.size()];
        for (int i = 0; i < steps; i++) {
            final double kf = param[i];
            if (kf >= 9.223372036854776E18 || kf <= -9.223372036854776E18) {
                throw QueryException.execution("Scalar value " + kf + " overflows int64");
            }
            final long k = (long) kf;
            if (k < 1) {
                continue;
            }
            for (int g = 0; g < groups; g++) {
                int n = 0;
                for (final int s : members.get(g)) {
                    if (!series.get(s).present()[i]) {
                        continue;
                    }
                    // insertion into a bounded, ordered selection (k is small in practice)
                    final double v = series.get(s).values()[i];
                    int pos = n;
                    while (pos > 0 && better(v, series.get(chosen[pos - 1]).values()[i], top)) {
                        pos--;
                    }
                    if (pos >= k) {
                        continue;
                    }
                    final int limit = (int) Math.min(n, k - 1);
                    System.arraycopy(chosen, pos, chosen, pos + 1, limit - pos);
                    chosen[pos] = s;
                    n = (int) Math.min(n + 1, k);
                }
                for (int c = 0; c < n; c++) {
                    keep[chosen[c]][i] = true;
                }
            }
        }
        final List<StepSeries> out = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            final StepSeries in = series.get(s);
            final boolean[] present = keep[s];
            boolean any = false;
            for (int i = 0; i < steps; i++) {
                any |= present[i];
            }
            if (any) {
                out.add(new StepSeries(in.labels(), in.values(), present));
            }
        }
        return new StepVector(steps, out);
    }

    private static boolean better(final double v, final double than, final boolean top) {
        if (Double.isNaN(v)) {
            return false;
        }
        if (Double.isNaN(than)) {
            return true;
        }
        return top ? v > than : v < than;
    }
}
