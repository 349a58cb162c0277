package io.metricstream.loadgen.drive;

/**
 * Where a driver reports each request's fate: counters, latency, and (verify mode) the acknowledged samples.
 *
 * @param stats counters of the stage
 * @param latency response and service times
 * @param acks receives every request with its status, or {@code null}
 */
public record Outcomes(RunStats stats, LatencyAccounting latency, AckListener acks) {
    /** Receives requests whose outcome is known. */
    @FunctionalInterface
    public interface AckListener {
        /** Called once per request with its status (0 = unknown outcome); on a transport thread. */
        void onOutcome(PreparedRequest request, int status);
    }

    void complete(final PreparedRequest request, final int status, final long endNanos, final String detail,
                  final long bytes) {
        stats.onOutcome(status, request.sampleCount, bytes, detail);
        latency.record(request.intendedNanos, request.sentNanos == 0 ? endNanos : request.sentNanos, endNanos);
        if (acks != null) {
            acks.onOutcome(request, status);
        }
    }
}
