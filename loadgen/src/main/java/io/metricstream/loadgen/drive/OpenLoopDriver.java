package io.metricstream.loadgen.drive;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Constant rate whatever the server does: requests are due on an {@link OpenLoopSchedule}; a due request goes to
 * an idle connection, or waits in a backlog (its due time only: the body is encoded when a connection takes it).
 * Latency is measured from the due time, so time spent waiting behind a slow or stalled server counts
 * (coordinated-omission correction); service time from the actual send is kept beside it. Requests still in the
 * backlog when the drain deadline passes are counted as unsent and recorded with their wait so far.
 */
public final class OpenLoopDriver {
    private final List<? extends Transport> transports;
    private final RequestPreparer preparer;
    private final Outcomes outcomes;
    private final OpenLoopSchedule schedule;
    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<Transport> idle = new ArrayDeque<>();
    private final LongQueue backlog = new LongQueue();
    private long inFlight;
    private boolean sourceExhausted;

    /** A driver of {@code schedule} over {@code transports}. */
    public OpenLoopDriver(final List<? extends Transport> transports, final RequestPreparer preparer,
                          final Outcomes outcomes, final OpenLoopSchedule schedule) {
        this.transports = transports;
        this.preparer = preparer;
        this.outcomes = outcomes;
        this.schedule = schedule;
    }

    /** Requests due but not yet sent. */
    public long backlog() {
        synchronized (lock) {
            return backlog.size();
        }
    }

    /**
     * Runs the schedule on the calling thread, then waits up to {@code drainNanos} for the backlog and in-flight
     * requests. Returns whether everything finished in time.
     */
    public boolean run(final long drainNanos) {
        synchronized (lock) {
            idle.addAll(transports);
        }
        final long t0 = System.nanoTime();
        for (long i = 0; i < schedule.totalRequests(); i++) {
            final long due = t0 + schedule.intendedOffsetNanos(i);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Transport t;
            synchronized (lock) {
                if (sourceExhausted) {
                    break;
                }
                t = idle.poll();
                if (t == null) {
                    backlog.add(due);
                    continue;
                }
                inFlight++;
            }
            dispatch(t, due);
        }
        final long drainDeadline = System.nanoTime() + drainNanos;
        while (true) {
            synchronized (lock) {
                if (backlog.size() == 0 && inFlight == 0 || System.nanoTime() - drainDeadline >= 0) {
                    final long now = System.nanoTime();
                    final long left = backlog.size();
                    while (backlog.size() > 0) {
                        final long due = backlog.poll();
                        outcomes.latency().record(due, now, now);
                    }
                    outcomes.stats().onUnsent(left);
                    return left == 0 && inFlight == 0;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Sends one request due at {@code due} on {@code t}; the caller counted it in flight. */
    private void dispatch(final Transport t, final long due) {
        final PreparedRequest request = preparer.next(System.currentTimeMillis());
        if (request == null) {
            synchronized (lock) {
                sourceExhausted = true;
                backlog.clear();
                inFlight--;
                idle.add(t);
            }
            return;
        }
        request.intendedNanos = due;
        final long bytes = request.payloadBytes();
        t.send(request, (status, end, detail) -> {
            outcomes.complete(request, status, end, detail, bytes);
            final long next;
            synchronized (lock) {
                if (backlog.size() == 0 || sourceExhausted) {
                    inFlight--;
                    idle.add(t);
                    return;
                }
                next = backlog.poll();
            }
            dispatch(t, next);
        });
    }

    /** A growable FIFO of longs (due times); guarded by the driver's lock. */
    static final class LongQueue {
        private long[] items = new long[1024];
        private int head;
        private int size;

        void add(final long v) {
            if (size == items.length) {
                final long[] n = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    n[i] = items[(head + i) % items.length];
                }
                items = n;
                head = 0;
            }
            items[(head + size) % items.length] = v;
            size++;
        }

        long poll() {
            final long v = items[head];
            head = (head + 1) % items.length;
            size--;
            return v;
        }

        int size() {
            return size;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
