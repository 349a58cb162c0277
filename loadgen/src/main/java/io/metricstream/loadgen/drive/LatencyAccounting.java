package io.metricstream.loadgen.drive;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records request latencies in microseconds. Two views: <em>response time</em>, measured from when the request
 * was due (open loop: its scheduled time; closed loop: when it was sent), which includes any time it waited
 * behind a stalled connection; and <em>service time</em>, measured from when it actually left. In open loop the
 * difference is the coordinated-omission correction. Thread-safe for recording; {@link #drainInterval} and
 * {@link #total} are called by one reporting thread.
 */
public final class LatencyAccounting {
    /** Highest trackable latency: one hour in µs. */
    public static final long MAX_MICROS = 3_600_000_000L;

    private final Recorder response = new Recorder(MAX_MICROS, 3);
    private final Recorder service = new Recorder(MAX_MICROS, 3);
    private final Histogram responseTotal = new Histogram(MAX_MICROS, 3);
    private final Histogram serviceTotal = new Histogram(MAX_MICROS, 3);
    private Histogram responseInterval;
    private Histogram serviceInterval;

    /** Records one completed request: due, actually sent, and completed, on the {@link System#nanoTime} clock. */
    public void record(final long intendedNanos, final long sentNanos, final long endNanos) {
        response.recordValue(clamp((endNanos - intendedNanos) / 1000));
        service.recordValue(clamp((endNanos - sentNanos) / 1000));
    }

    private static long clamp(final long micros) {
        return Math.max(0, Math.min(MAX_MICROS, micros));
    }

    /** Response times recorded since the previous call (also folded into the totals). */
    public synchronized Histogram drainInterval() {
        responseInterval = response.getIntervalHistogram(responseInterval);
        serviceInterval = service.getIntervalHistogram(serviceInterval);
        responseTotal.add(responseInterval);
        serviceTotal.add(serviceInterval);
        return responseInterval;
    }

    /** All response times so far (drains the current interval first). */
    public synchronized Histogram total() {
        drainInterval();
        return responseTotal.copy();
    }

    /** All service times so far (drains the current interval first). */
    public synchronized Histogram serviceTotal() {
        drainInterval();
        return serviceTotal.copy();
    }
}
