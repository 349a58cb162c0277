package io.metricstream.query.eval;

import java.util.List;

/**
 * An instant vector at every step of a range: series with per-step presence.
 *
 * @param steps number of steps
 * @param series the series (label sets unique)
 */
public record StepVector(int steps, List<StepSeries> series) implements StepValue {
}
