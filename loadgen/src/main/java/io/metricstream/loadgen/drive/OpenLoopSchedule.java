package io.metricstream.loadgen.drive;

import java.util.List;

/**
 * When each request of an open-loop run is due: phases of constant request rate back to back (a steady run is
 * one phase; a spike is steady, burst, steady). Request {@code i} of a phase of rate {@code r} starting at
 * {@code T} is due at {@code T + i × 1e9 / r} ns, for every {@code i} with that time inside the phase. Latency is
 * measured from this intended time, not from when the request actually left, so a stalled server is charged for
 * every request it delayed (coordinated-omission correction). Immutable.
 */
public final class OpenLoopSchedule {
    /**
     * One phase.
     *
     * @param durationNanos length of the phase
     * @param requestsPerSecond request rate during the phase (> 0)
     */
    public record Phase(long durationNanos, double requestsPerSecond) {
        /** Requests due in this phase. */
        public long requests() {
            final double intervalNanos = 1e9 / requestsPerSecond;
            return (long) Math.ceil(durationNanos / intervalNanos - 1e-9);
        }
    }

    private final Phase[] phases;
    private final long[] firstRequest;
    private final long[] startNanos;
    private final long totalRequests;

    /** A schedule of {@code phases} in order. */
    public OpenLoopSchedule(final List<Phase> phases) {
        this.phases = phases.toArray(new Phase[0]);
        this.firstRequest = new long[this.phases.length + 1];
        this.startNanos = new long[this.phases.length + 1];
        for (int k = 0; k < this.phases.length; k++) {
            if (!(this.phases[k].requestsPerSecond() > 0) || this.phases[k].durationNanos() < 0) {
                throw new IllegalArgumentException("phase " + k + ": want rate > 0 and duration >= 0: got "
                    + this.phases[k]);
            }
            firstRequest[k + 1] = firstRequest[k] + this.phases[k].requests();
            startNanos[k + 1] = startNanos[k] + this.phases[k].durationNanos();
        }
        this.totalRequests = firstRequest[this.phases.length];
    }

    /** Requests in the whole schedule. */
    public long totalRequests() {
        return totalRequests;
    }

    /** Length of the whole schedule. */
    public long durationNanos() {
        return startNanos[phases.length];
    }

    /** Index of the phase request {@code i} belongs to. */
    public int phaseOf(final long i) {
        int k = 0;
        while (k < phases.length - 1 && i >= firstRequest[k + 1]) {
            k++;
        }
        return k;
    }

    /** Due time of request {@code i} (0-based) relative to the run start, in ns. */
    public long intendedOffsetNanos(final long i) {
        if (i < 0 || i >= totalRequests) {
            throw new IndexOutOfBoundsException("request " + i + " of " + totalRequests);
        }
        final int k = phaseOf(i);
        final double intervalNanos = 1e9 / phases[k].requestsPerSecond();
        return startNanos[k] + (long) ((i - firstRequest[k]) * intervalNanos);
    }
}
