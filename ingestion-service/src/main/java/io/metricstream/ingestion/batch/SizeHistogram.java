package io.metricstream.ingestion.batch;

import io.metricstream.runtime.metrics.MetricsRegistry;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A size distribution (samples per request, bytes per batch) exported as gauges {@code <name>_p50},
 * {@code <name>_p99} and {@code <name>_max} over the process lifetime: the runtime's summaries are latency-only
 * (seconds), so sizes get their own HdrHistogram. Recording is wait-free and allocation-free ({@link Recorder});
 * a scrape folds the interval into the cumulative histogram under this object's lock.
 */
public final class SizeHistogram {
    private final Recorder recorder;
    // guarded by this
    private final Histogram cumulative;
    private Histogram interval;

    /** A histogram of values 1 ..= {@code highest} with 2 significant digits, registered under {@code name}. */
    public SizeHistogram(final MetricsRegistry metrics, final String name, final String help, final long highest) {
        this.recorder = new Recorder(1, highest, 2);
        this.cumulative = new Histogram(1, highest, 2);
        metrics.doubleGauge(name + "_p50", help + " (median)", () -> quantile(0.5));
        metrics.doubleGauge(name + "_p99", help + " (99th percentile)", () -> quantile(0.99));
        metrics.doubleGauge(name + "_max", help + " (largest)", () -> quantile(1.0));
    }

    /** Records one value (clamped to the tracked range). */
    public void record(final long value) {
        recorder.recordValue(Math.max(1, Math.min(value, cumulative.getHighestTrackableValue())));
    }

    private synchronized double quantile(final double q) {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        if (cumulative.getTotalCount() == 0) {
            return Double.NaN;
        }
        return q >= 1.0 ? cumulative.getMaxValue() : cumulative.getValueAtPercentile(q * 100);
    }
}
