package io.metricstream.loadgen.drive;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maximum throughput: every connection sends its next request as soon as the previous one is answered, until
 * the deadline, the source runs out, or each connection has sent {@code requestsPerConnection} requests. Latency
 * is measured from when each request was sent (in a closed loop the due time is the send time).
 */
public final class ClosedLoopDriver {
    private final List<? extends Transport> transports;
    private final RequestPreparer preparer;
    private final Outcomes outcomes;
    private final long requestsPerConnection;
    private final AtomicLong inFlight = new AtomicLong();

    /**
     * @param requestsPerConnection limit per connection, or {@code Long.MAX_VALUE}
     */
    public ClosedLoopDriver(final List<? extends Transport> transports, final RequestPreparer preparer,
                            final Outcomes outcomes, final long requestsPerConnection) {
        this.transports = transports;
        this.preparer = preparer;
        this.outcomes = outcomes;
        this.requestsPerConnection = requestsPerConnection;
    }

    /** Requests in flight now (for the progress line). */
    public long inFlight() {
        return inFlight.get();
    }

    /**
     * Runs until {@code durationNanos} passes (no new request after it) and waits up to {@code drainNanos} more for
     * answers. Returns whether every connection finished in time.
     */
    public boolean run(final long durationNanos, final long drainNanos) throws InterruptedException {
        final long deadline = System.nanoTime() + durationNanos;
        final CountDownLatch finished = new CountDownLatch(transports.size());
        for (Transport t : transports) {
            new Loop(t, deadline, finished).sendNext();
        }
        return finished.await(Math.max(0, deadline - System.nanoTime()) + drainNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One connection's loop. While a request is in flight the next one is already encoded, so encoding overlaps
     * the server's work instead of adding to every round trip. Guarded by its own monitor: the first send runs on
     * the caller's thread, the rest on the transport's I/O thread.
     */
    private final class Loop {
        private final Transport transport;
        private final long deadline;
        private final CountDownLatch finished;
        private long sent;
        private PreparedRequest ahead;

        Loop(final Transport transport, final long deadline, final CountDownLatch finished) {
            this.transport = transport;
            this.deadline = deadline;
            this.finished = finished;
        }

        synchronized void sendNext() {
            final long now = System.nanoTime();
            if (sent >= requestsPerConnection || now - deadline >= 0) {
                finish();
                return;
            }
            final PreparedRequest request = ahead != null ? ahead : preparer.next(System.currentTimeMillis());
            ahead = null;
            if (request == null) {
                finish();
                return;
            }
            sent++;
            inFlight.incrementAndGet();
            request.intendedNanos = System.nanoTime();
            final long bytes = request.payloadBytes();
            transport.send(request, (status, end, detail) -> {
                inFlight.decrementAndGet();
                outcomes.complete(request, status, end, detail, bytes);
                sendNext();
            });
            if (sent < requestsPerConnection && ahead == null) {
                ahead = preparer.next(System.currentTimeMillis());
            }
        }

        private void finish() {
            if (ahead != null) {
                ahead.release();
                ahead = null;
            }
            finished.countDown();
        }
    }
}
