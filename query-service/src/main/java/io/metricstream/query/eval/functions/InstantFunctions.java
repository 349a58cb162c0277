package io.metricstream.query.eval.functions;

import io.metricstream.query.eval.Evaluator;
import io.metricstream.query.eval.StepSeries;
import io.metricstream.query.eval.StepVector;
import io.metricstream.query.promql.ast.Function;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Per-element functions of an instant vector (math, clamping, rounding, date parts). All drop the name. */
public final class InstantFunctions {
    private InstantFunctions() {
    }

    /** Whether {@code f} reads a date part (and defaults to {@code vector(time())}). */
    static boolean isDateFunction(final Function f) {
        return switch (f) {
            case DAY_OF_MONTH, DAY_OF_WEEK, DAY_OF_YEAR, DAYS_IN_MONTH, HOUR, MINUTE, MONTH, YEAR -> true;
            default -> false;
        };
    }

    /** A date function without argument: of the evaluation time, labels empty. */
    static StepVector dateOfTime(final Evaluator ev, final Function f) {
        final double[] values = new double[ev.steps()];
        final boolean[] present = new boolean[ev.steps()];
        for (int i = 0; i < values.length; i++) {
            values[i] = date(f, ev.time(i) / 1000.0);
            present[i] = true;
        }
        return new StepVector(ev.steps(), List.of(new StepSeries(io.metricstream.contracts.model.LabelSet.EMPTY,
            values, present)));
    }

    /** Applies {@code f} element-wise; a1/a2 are per-step scalar arguments or null. */
    static StepVector apply(final Evaluator ev, final Function f, final StepVector v, final double[] a1,
                            final double[] a2) {
        final int steps = ev.steps();
        final List<StepSeries> out = new ArrayList<>(v.series().size());
        for (final StepSeries s : v.series()) {
            final double[] values = s.values();
            final boolean[] present = s.present();
            for (int i = 0; i < steps; i++) {
                if (!present[i]) {
                    continue;
                }
                final double x = values[i];
                switch (f) {
                    case CLAMP -> {
                        if (a2[i] < a1[i]) {
                            present[i] = false;
                        } else {
                            values[i] = Math.max(a1[i], Math.min(a2[i], x));
                        }
                    }
                    case CLAMP_MIN -> values[i] = Math.max(a1[i], x);
                    case CLAMP_MAX -> values[i] = Math.min(a1[i], x);
                    case ROUND -> {
                        final double toNearestInverse = 1.0 / (a1 == null ? 1 : a1[i]);
                        values[i] = Math.floor(x * toNearestInverse + 0.5) / toNearestInverse;
                    }
                    default -> values[i] = isDateFunction(f) ? date(f, x) : math(f, x);
                }
            }
            out.add(s.withLabels(s.labels().withoutMetricName()));
        }
        return ev.mergeSameLabels(out);
    }

    private static double math(final Function f, final double x) {
        return switch (f) {
            case ABS -> Math.abs(x);
            case CEIL -> Math.ceil(x);
            case FLOOR -> Math.floor(x);
            case EXP -> Math.exp(x);
            case LN -> Math.log(x);
            case LOG2 -> Math.log(x) / Math.log(2);
            case LOG10 -> Math.log10(x);
            case SQRT -> Math.sqrt(x);
            case SGN -> x > 0 ? 1 : x < 0 ? -1 : x;
            case ACOS -> Math.acos(x);
            case ACOSH -> Math.log(x + Math.sqrt(x * x - 1));
            case ASIN -> Math.asin(x);
            case ASINH -> Double.isInfinite(x) ? x : Math.log(x + Math.sqrt(x * x + 1));
            case ATAN -> Math.atan(x);
            case ATANH -> 0.5 * Math.log((1 + x) / (1 - x));
            case COS -> Math.cos(x);
            case COSH -> Math.cosh(x);
            case SIN -> Math.sin(x);
            case SINH -> Math.sinh(x);
            case TAN -> Math.tan(x);
            case TANH -> Math.tanh(x);
            case DEG -> x * 180 / Math.PI;
            case RAD -> x * Math.PI / 180;
            default -> throw new IllegalArgumentException("not an element-wise function: " + f);
        };
    }

    private static double date(final Function f, final double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return Double.NaN;
        }
        final LocalDateTime t = LocalDateTime.ofEpochSecond((long) seconds, 0, ZoneOffset.UTC);
        return switch (f) {
            case DAY_OF_MONTH -> t.getDayOfMonth();
            case DAY_OF_WEEK -> t.getDayOfWeek().getValue() % 7;
            case DAY_OF_YEAR -> t.getDayOfYear();
            case DAYS_IN_MONTH -> t.toLocalDate().lengthOfMonth();
            case HOUR -> t.getHour();
            case MINUTE -> t.getMinute();
            case MONTH -> t.getMonthValue();
            case YEAR -> t.getYear();
            default -> throw new IllegalArgumentException("not a date function: " + f);
        };
    }
}
