package io.metricstream.queue.server;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Long-polling fetches parked on one partition until its high watermark advances. {@link #wake} hands every
 * parked waiter back to its own event loop, where it re-checks and either answers or parks again; a waiter
 * also holds its own maxWaitMs timer. Thread-safe: waiters park from event loops, wakes come from the
 * writer or flush thread.
 */
public final class FetchWaiters {

    /** A parked fetch. */
    public interface Waiter {
        /** The high watermark advanced: re-check (on the waiter's own thread) and answer or park again. */
        void wake();
    }

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    /** Parks {@code waiter} until the next advance. */
    public void park(final Waiter waiter) {
        waiters.add(waiter);
    }

    /** Removes {@code waiter} (answered by its timer). */
    public void remove(final Waiter waiter) {
        waiters.remove(waiter);
    }

    /** Wakes every parked waiter once. */
    public void wakeAll() {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            w.wake();
        }
    }

    /** Parked waiters. */
    public int size() {
        return waiters.size();
    }
}
