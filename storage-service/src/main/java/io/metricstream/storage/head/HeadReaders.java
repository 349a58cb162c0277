package io.metricstream.storage.head;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries reading the head, by epoch, so that a flush drops head data only once no query can miss it.
 *
 * <p>A query takes its block list before it reads the head's series, and reads them lazily: were the head to drop
 * (or garbage-collect) the chunks a flush just put into a new block between the two, the query would find the
 * samples in neither. So the flush makes the block visible, then {@link #awaitEarlier} starts a new epoch and waits
 * for the queries of the previous one (which may hold the older block list) to finish; queries entering afterwards
 * see the new block. Like Prometheus's wait for pending readers before head truncation. Two counters (one per
 * epoch parity): readers never wait, and one increment and one decrement per query is all they pay.
 *
 * <p>Thread-safe; {@link #awaitEarlier} is called by one thread at a time (the ingest thread's flush).
 */
public final class HeadReaders {
    private static final Logger LOG = LoggerFactory.getLogger(HeadReaders.class);
    // bound on the wait: a query stalled for longer (a client not reading its answer) must not stop ingest forever
    private static final long MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLongArray active = new AtomicLongArray(2);
    private final Object drained = new Object();

    /** Registers a query about to read the blocks and the head; returns the token for {@link #exit}. Any thread. */
    public long enter() {
        while (true) {
            final long e = epoch.get();
            active.incrementAndGet(slot(e));
            if (epoch.get() == e) {
                return e;
            }
            // a flush started a new epoch between the two reads: register in the new one instead
            exit(e);
        }
    }

    /** Ends the query registered with {@code token}. Any thread. */
    public void exit(final long token) {
        if (active.decrementAndGet(slot(token)) == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Starts a new epoch and waits until every query registered before it has exited (at most 30 s, then logs and
     * returns). Call after making new blocks visible and before dropping their data from the head.
     */
    public void awaitEarlier() {
        final int old = slot(epoch.getAndIncrement());
        final long deadline = System.nanoTime() + MAX_WAIT_NS;
        synchronized (drained) {
            while (active.get(old) > 0) {
                final long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    LOG.warn("head truncation proceeds with {} query(ies) still reading after 30 s", active.get(old));
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, leftNs);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Queries registered now (tests, status). */
    public long active() {
        return active.get(0) + active.get(1);
    }

    private static int slot(final long e) {
        return (int) (e & 1);
    }
}
