package io.metricstream.runtime.metrics;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records latencies in nanoseconds into an HdrHistogram {@link Recorder} (wait-free for writers, any thread) and
 * exports them as a Prometheus summary in seconds with quantiles 0.5, 0.9, 0.99, 0.999 plus {@code _sum} and
 * {@code _count}. Quantiles cover the process lifetime: each scrape folds the interval histogram into a cumulative
 * one. Values are tracked from 1 µs to 1 h with 3 significant digits; larger values are clamped.
 */
public final class LatencyRecorder {
    /** Quantiles exported for every recorder. */
    public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final long LOWEST_NS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long HIGHEST_NS = TimeUnit.HOURS.toNanos(1);

    private final Recorder recorder = new Recorder(LOWEST_NS, HIGHEST_NS, 3);
    // guarded by this
    private final Histogram cumulative = new Histogram(LOWEST_NS, HIGHEST_NS, 3);
    private Histogram interval;
    private double sumSeconds;

    /** Records one latency of {@code nanos}. */
    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(LOWEST_NS, Math.min(nanos, HIGHEST_NS)));
    }

    /** A consistent view for export: quantile values in seconds, sum in seconds and count. */
    public synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        sumSeconds += interval.getMean() * interval.getTotalCount() / 1e9;
        final double[] values = new double[QUANTILES.length];
        for (int i = 0; i < QUANTILES.length; i++) {
            values[i] = cumulative.getTotalCount() == 0 ? Double.NaN
                : cumulative.getValueAtPercentile(QUANTILES[i] * 100) / 1e9;
        }
        return new Snapshot(values, sumSeconds, cumulative.getTotalCount());
    }

    /**
     * A point-in-time export.
     *
     * @param quantileSeconds one value per {@link #QUANTILES} entry, NaN before the first sample
     * @param sumSeconds      sum of recorded values (from the histogram mean, so within its precision)
     * @param count           number of recorded values
     */
    public record Snapshot(double[] quantileSeconds, double sumSeconds, long count) {
    }
}
