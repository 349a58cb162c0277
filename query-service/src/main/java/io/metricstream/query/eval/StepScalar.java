package io.metricstream.query.eval;

/**
 * A scalar at every step.
 *
 * @param values one value per step
 */
public record StepScalar(double[] values) implements StepValue {
    /** A constant over {@code steps}. */
    public static StepScalar constant(final double v, final int steps) {
        final double[] values = new double[steps];
        java.util.Arrays.fill(values, v);
        return new StepScalar(values);
    }
}
