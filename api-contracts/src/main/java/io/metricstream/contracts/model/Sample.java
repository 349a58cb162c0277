package io.metricstream.contracts.model;

/**
 * One sample of a series: timestamp in epoch milliseconds and a float64 value. For APIs off the hot
 * path; hot paths pass {@code (seriesRef, timestampMs, value)} primitives instead.
 *
 * @param labels the series
 * @param timestampMs epoch milliseconds
 * @param value the value (NaN, ±Inf and the stale marker allowed)
 */
public record Sample(LabelSet labels, long timestampMs, double value) {
}
