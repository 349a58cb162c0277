package io.metricstream.query.eval;

import java.util.List;

/**
 * A range vector at every step: the raw series plus, per step, the inclusive window end; the window of step
 * {@code i} is {@code [ends[i] - rangeMs, ends[i]]} (both ends inclusive, as Prometheus 2.x).
 *
 * @param series raw samples, stale markers removed
 * @param ends window end per step (evaluation time, {@code @} applied, minus offset)
 * @param rangeMs window length
 */
public record Windows(List<RangeSeries> series, long[] ends, long rangeMs) {
}
