package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;

/**
 * One series of an instant vector evaluated at every step: a value and a presence flag per step (an instant
 * vector holds the series at a step only where {@code present[step]}). Arrays are owned by the series.
 */
public final class StepSeries {
    private final LabelSet labels;
    private final double[] values;
    private final boolean[] present;

    /** A series over the given arrays (same length). */
    public StepSeries(final LabelSet labels, final double[] values, final boolean[] present) {
        this.labels = labels;
        this.values = values;
        this.present = present;
    }

    /** An empty series of {@code steps} steps. */
    public static StepSeries empty(final LabelSet labels, final int steps) {
        return new StepSeries(labels, new double[steps], new boolean[steps]);
    }

    /** The labels. */
    public LabelSet labels() {
        return labels;
    }

    /** Values per step (meaningful where present). */
    public double[] values() {
        return values;
    }

    /** Presence per step. */
    public boolean[] present() {
        return present;
    }

    /** A series with other labels over the same arrays. */
    public StepSeries withLabels(final LabelSet newLabels) {
        return new StepSeries(newLabels, values, present);
    }

    /** Whether the series is present at any step. */
    public boolean anyPresent() {
        for (final boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    /** Number of steps where present. */
    public int presentCount() {
        int n = 0;
        for (final boolean p : present) {
            if (p) {
                n++;
            }
        }
        return n;
    }
}
