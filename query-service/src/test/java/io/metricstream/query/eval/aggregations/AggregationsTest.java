package io.metricstream.query.eval.aggregations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.query.eval.Engine;
import io.metricstream.query.eval.QueryResult;
import io.metricstream.query.promql.ParseException;
import io.metricstream.query.remote.InMemorySeriesSource;
import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** sum/min/max's per-operator step loops against a plain per-step reference over the selected series. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AggregationsTest {
    private static final long STEP_MS = 15_000;
    private static final int STEPS = 200;
    private static final double[] SPECIALS = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1e308, -1e308, Double.MIN_VALUE};

    @Test
    void shouldEqualThePlainDefinitionBitForBitWhenSumMinMaxOverRandomSeries() throws ParseException {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 12; round++) {
            final InMemorySeriesSource src = new InMemorySeriesSource();
            final int count = 1 + rnd.nextInt(40);
            for (int s = 0; s < count; s++) {
                final LabelSet labels = LabelSet.builder().add("__name__", "x").add("g", "g" + rnd.nextInt(4))
                    .add("i", Integer.toString(s)).build();
                // gaps longer than the 5 m lookback leave steps without this series
                final int gapFrom = rnd.nextInt(STEPS);
                final int gapTo = gapFrom + rnd.nextInt(60);
                for (int i = 0; i < STEPS; i++) {
                    if (i >= gapFrom && i < gapTo && rnd.nextInt(3) > 0) {
                        continue;
                    }
                    src.add(labels, i * STEP_MS, value(rnd));
                }
            }
            final Engine engine = new Engine(src, Engine.Options.DEFAULT);
            final long end = (STEPS - 1) * STEP_MS;
            final QueryResult.Matrix in = (QueryResult.Matrix) engine.range("x", 0, end, STEP_MS);
            for (final String op : new String[] {"sum", "min", "max"}) {
                for (final String by : new String[] {" by (g)", ""}) {
                    final String q = op + by + "(x)";
                    final QueryResult.Matrix got = (QueryResult.Matrix) engine.range(q, 0, end, STEP_MS);
                    assertEquals(reference(in, op, !by.isEmpty()), points(got), "seed=" + seed + " query " + q);
                }
            }
        }
    }

    private static double value(final SplittableRandom rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> SPECIALS[rnd.nextInt(SPECIALS.length)];
            case 1 -> rnd.nextInt(-5, 5);
            default -> (rnd.nextDouble() - 0.3) * Math.pow(10, rnd.nextInt(-3, 12));
        };
    }

    /** Per group, per step time, the value's {@link #bits}: Prometheus's rules applied one step at a time. */
    private static Map<String, Map<Long, Long>> reference(final QueryResult.Matrix in, final String op,
                                                          final boolean byGroup) {
        final Map<String, List<QueryResult.Series>> groups = new TreeMap<>();
        for (final QueryResult.Series s : in.series()) {
            final String g = byGroup ? "{g=" + s.labels().get("g") + "}" : "{}";
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(s);
        }
        final Map<String, Map<Long, Long>> out = new TreeMap<>();
        for (final Map.Entry<String, List<QueryResult.Series>> e : groups.entrySet()) {
            final Map<Long, Double> acc = new TreeMap<>();
            for (final QueryResult.Series s : e.getValue()) {
                for (int k = 0; k < s.timestamps().length; k++) {
                    final long t = s.timestamps()[k];
                    final double v = s.values()[k];
                    final Double a = acc.get(t);
                    final double next;
                    if (a == null) {
                        next = v;
                    } else if (op.equals("sum")) {
                        next = a + v;
                    } else if (op.equals("min")) {
                        next = v < a || Double.isNaN(a) ? v : a;
                    } else {
                        next = v > a || Double.isNaN(a) ? v : a;
                    }
                    acc.put(t, next);
                }
            }
            final Map<Long, Long> bits = new TreeMap<>();
            acc.forEach((t, v) -> bits.put(t, bits(v)));
            out.put(e.getKey(), bits);
        }
        return out;
    }

    /**
     * The bits of {@code v}, every NaN as one: which NaN a sum of two NaNs yields (e.g. -NaN from Inf - Inf) depends
     * on the operand order the JIT picks for a commutative add, and every NaN is written "NaN".
     */
    private static long bits(final double v) {
        return Double.doubleToLongBits(v);
    }

    private static Map<String, Map<Long, Long>> points(final QueryResult.Matrix m) {
        final Map<String, Map<Long, Long>> out = new TreeMap<>();
        for (final QueryResult.Series s : m.series()) {
            final String g = s.labels().size() == 0 ? "{}" : "{g=" + s.labels().get("g") + "}";
            final Map<Long, Long> bits = new TreeMap<>();
            for (int k = 0; k < s.timestamps().length; k++) {
                bits.put(s.timestamps()[k], bits(s.values()[k]));
            }
            out.put(g, bits);
        }
        return out;
    }
}
