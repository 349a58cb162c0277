package io.metricstream.loadgen.generate;

/**
 * Where a run's samples come from, in send order. Single consumer: the driver thread that builds requests.
 */
public interface SampleSource {
    /** Series the samples refer to. */
    SeriesCatalog catalog();

    /**
     * Appends up to {@code max} samples to {@code batch}; returns how many were appended, 0 once exhausted.
     * {@code nowMs} is the wall clock for live sources (replayed data sets ignore it).
     */
    int fill(SampleBatch batch, int max, long nowMs);

    /** Total samples this source yields, or -1 when unbounded (live sources). */
    long totalSamples();
}
