package io.metricstream.query.eval;

import io.metricstream.contracts.model.LabelSet;
import java.util.List;

/** A query's answer in the API's four shapes. */
public sealed interface QueryResult {
    /**
     * A scalar at one time.
     *
     * @param timeMs evaluation time
     * @param value the value
     */
    record Scalar(long timeMs, double value) implements QueryResult {
    }

    /**
     * A string at one time.
     *
     * @param timeMs evaluation time
     * @param value the value
     */
    record Str(long timeMs, String value) implements QueryResult {
    }

    /**
     * An instant vector.
     *
     * @param timeMs evaluation time
     * @param samples the samples
     */
    record Vector(long timeMs, List<Sample> samples) implements QueryResult {
    }

    /**
     * A matrix: series with points.
     *
     * @param series the series, sorted by labels
     */
    record Matrix(List<Series> series) implements QueryResult {
    }

    /**
     * One sample of a vector.
     *
     * @param labels labels
     * @param value value
     */
    record Sample(LabelSet labels, double value) {
    }

    /**
     * One series of a matrix.
     *
     * @param labels labels
     * @param timestamps point times in ms
     * @param values point values
     */
    record Series(LabelSet labels, long[] timestamps, double[] values) {
    }
}
