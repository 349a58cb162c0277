package io.metricstream.loadgen.report;

import io.metricstream.loadgen.drive.LatencyAccounting;
import io.metricstream.loadgen.drive.RunStats;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The live line on stderr, once a second: elapsed, acked samples/s over the last second, p99 of the last second,
 * errors so far, backlog. Called by one reporting thread.
 */
public final class ProgressLine {
    private final PrintStream err;
    private final RunStats stats;
    private final LatencyAccounting latency;
    private final LongSupplier backlog;
    private final long startNanos = System.nanoTime();
    private long lastAcked;
    private long lastNanos = startNanos;

    /** A progress line for one stage. */
    public ProgressLine(final PrintStream err, final RunStats stats, final LatencyAccounting latency,
                        final LongSupplier backlog) {
        this.err = err;
        this.stats = stats;
        this.latency = latency;
        this.backlog = backlog;
    }

    /** Prints one line (drains the latency interval). */
    public void tick() {
        final long now = System.nanoTime();
        final long acked = stats.samplesAcked();
        final Histogram interval = latency.drainInterval();
        final double rate = (acked - lastAcked) * 1e9 / Math.max(1, now - lastNanos);
        lastAcked = acked;
        lastNanos = now;
        final double p99Ms = interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0;
        err.println(String.format(Locale.ROOT, "[%5.1fs] %,12.0f samples/s  p99 %8.3f ms  errors %d  backlog %d",
            (now - startNanos) / 1e9, rate, p99Ms, stats.requestsFailed(), backlog.getAsLong()));
    }
}
