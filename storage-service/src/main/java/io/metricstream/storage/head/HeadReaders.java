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
 * see the new block. Like Prometheus's wait for pending readers before head truncation. Each epoch counts its
 * readers in a slot of its own: readers never wait, and one increment and one decrement per query is all they pay.
 *
 * <p>The wait is bounded (a query stalled for longer, e.g. by a client not reading its answer, must not stop ingest
 * forever). When it gives up, the epochs it did not wait for are marked overtaken before the head drops anything:
 * a query checks {@link #overtaken} after its last read of the head and, when true, may have missed samples the
 * truncation moved into a block its list does not hold, so it retries with a fresh block list or fails with
 * {@link HeadTruncatedException}; never a silent partial answer. A slot whose readers were given up on is not handed
 * to a new epoch until they have all exited, so later flushes never wait for them again (with two slots by parity,
 * one stuck query made every second flush wait the whole bound). Only when every other slot is held by given-up
 * readers ({@link #SLOTS} − 1 stalled epochs at once) does a new epoch share one, and its flush may wait for them.
 *
 * <p>Blocks taken out of the block list (compaction inputs, retention, rewrites) are unmapped only once no query
 * that could have taken a list holding them is still reading: the retiring thread calls {@link #retire} after the
 * list swap (a new epoch, no wait) and later asks {@link #exitedUpTo} with the epoch it got, never blocking. So each
 * slot remembers the first and the last epoch whose readers it may count (and, when shared, the last epoch before
 * the sharing one): new epochs come from both threads, and a wait is for every slot that may hold readers of an
 * epoch at or before the one awaited, not just the previous epoch's slot. A truncation does not wait again for
 * readers an earlier one gave up on; a retirement waits for them too (they may still read its blocks).
 *
 * <p>A token is the epoch shifted left by {@link #SLOT_BITS}, or'ed with the slot.
 *
 * <p>Thread-safe; {@link #awaitEarlier} is called by one thread at a time (the ingest thread's flush),
 * {@link #retire} and {@link #exitedUpTo} by any thread.
 */
public final class HeadReaders {
    private static final Logger LOG = LoggerFactory.getLogger(HeadReaders.class);
    /** Default bound on {@link #awaitEarlier}'s wait. */
    public static final long DEFAULT_MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    static final int SLOT_BITS = 4;
    /** Reader counters: one for the current epoch, one for the epoch being awaited, the rest for given-up ones. */
    static final int SLOTS = 1 << SLOT_BITS;
    private static final int SLOT_MASK = SLOTS - 1;
    // immutable after construction
    private final long maxWaitNs;
    // the current token (epoch and slot); written only by awaitEarlier
    private final AtomicLong current = new AtomicLong();
    // the newest epoch a truncation proceeded without waiting for (-1: none); only grows
    private final AtomicLong overtakenUpTo = new AtomicLong(-1);
    private final AtomicLongArray active = new AtomicLongArray(SLOTS);
    // per slot, the oldest and the newest epoch whose readers it may count (every reader counted in slot s has an
    // epoch in [slotFirstEpoch[s], slotLastEpoch[s]]) and, for a slot shared with readers left from before its
    // newest epoch, the newest epoch of those (slotEarlierEpoch[s]); guarded by this, set before current names s
    private final long[] slotFirstEpoch = new long[SLOTS];
    private final long[] slotLastEpoch = new long[SLOTS];
    private final long[] slotEarlierEpoch = new long[SLOTS];
    private final Object drained = new Object();

    /** Readers whose truncations wait at most {@link #DEFAULT_MAX_WAIT_NS}. */
    public HeadReaders() {
        this(DEFAULT_MAX_WAIT_NS);
    }

    /** Readers whose truncations wait at most {@code maxWaitNs} for earlier queries (tests: 0, never wait). */
    public HeadReaders(final long maxWaitNs) {
        this.maxWaitNs = maxWaitNs;
    }

    /** Registers a query about to read the blocks and the head; returns the token for {@link #exit}. Any thread. */
    public long enter() {
        while (true) {
            final long token = current.get();
            active.incrementAndGet(slot(token));
            if (current.get() == token) {
                return token;
            }
            // a flush started a new epoch between the two reads: register in the new one instead
            exit(token);
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
     * Whether a head truncation proceeded while the query registered with {@code token} was still reading (it waited
     * past the bound): the query may have missed data. Call after the query's last read of the head. Any thread.
     */
    public boolean overtaken(final long token) {
        return epoch(token) <= overtakenUpTo.get();
    }

    /**
     * Throws {@link HeadTruncatedException} when {@link #overtaken}: for a query that has streamed part of its answer
     * and cannot retry. Any thread.
     */
    public void checkNotOvertaken(final long token) {
        if (overtaken(token)) {
            throw new HeadTruncatedException(maxWaitNs);
        }
    }

    /**
     * Starts a new epoch and waits until every query registered before it has exited (at most the bound, then marks
     * those queries overtaken, logs and returns). Call after making new blocks visible and before dropping their
     * data from the head. Returns the number of queries it stopped waiting for (0: all of them exited).
     */
    public long awaitEarlier() {
        final long e = epoch(newEpoch());
        final long deadline = System.nanoTime() + maxWaitNs;
        synchronized (drained) {
            while (reading(e, overtakenUpTo.get()) > 0) {
                final long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    return giveUp(e, reading(e, overtakenUpTo.get()));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, leftNs);
                } catch (final InterruptedException x) {
                    Thread.currentThread().interrupt();
                    return giveUp(e, reading(e, overtakenUpTo.get()));
                }
            }
        }
        return 0;
    }

    /**
     * Starts a new epoch without waiting and returns the one it ends: call after taking blocks out of the block list;
     * once {@link #exitedUpTo} that epoch, no query can read them any more (queries entering later take the new
     * list). Any thread.
     */
    public long retire() {
        return epoch(newEpoch());
    }

    /**
     * Whether every query registered in {@code epoch} or before has exited, including those a truncation gave up
     * on (they may still read): then blocks {@link #retire}d at that epoch may be unmapped. Never blocks. Any thread.
     */
    public boolean exitedUpTo(final long epoch) {
        return reading(epoch, -1) == 0;
    }

    // starts epoch + 1 in a free slot; returns the token it replaced
    private synchronized long newEpoch() {
        final long token = current.get();
        final long next = epoch(token) + 1;
        final int s = freeSlotAfter(slot(token));
        if (active.get(s) == 0) {
            // an increment of s by a reader of an older epoch happened before that epoch ended (the reader checks
            // current after it), so 0 here means none is left; a stale reader's increment is undone unread
            slotFirstEpoch[s] = next;
        }
        slotEarlierEpoch[s] = slotLastEpoch[s];
        slotLastEpoch[s] = next;
        current.set(next << SLOT_BITS | s);
        return token;
    }

    // readers in the slots that may hold a reader of an epoch in (givenUpTo, upTo]: all of a slot's, as they are
    // counted together (a slot shared by a newer epoch counts when its earlier readers may be in that range)
    private synchronized long reading(final long upTo, final long givenUpTo) {
        long n = 0;
        for (int s = 0; s < SLOTS; s++) {
            final long a = active.get(s);
            final long newestUpTo = slotLastEpoch[s] <= upTo ? slotLastEpoch[s] : slotEarlierEpoch[s];
            if (a > 0 && slotFirstEpoch[s] <= upTo && newestUpTo > givenUpTo) {
                n += a;
            }
        }
        return n;
    }

    // the next slot after old with no reader: given-up readers keep theirs until they exit
    private int freeSlotAfter(final int old) {
        for (int i = 1; i < SLOTS; i++) {
            final int s = (old + i) & SLOT_MASK;
            if (active.get(s) == 0) {
                return s;
            }
        }
        final int shared = (old + 1) & SLOT_MASK;
        LOG.warn("{} head query slots hold queries given up on; the next epoch shares slot {} and its truncation may "
            + "wait for them again", SLOTS - 1, shared);
        return shared;
    }

    // before the caller drops head data: a reader that reads the head after the drop sees the mark at its check
    private long giveUp(final long e, final long stillReading) {
        overtakenUpTo.accumulateAndGet(e, Math::max);
        LOG.warn("head truncation proceeds with {} query(ies) still reading after maxWaitMs={}; they fail or retry",
            stillReading, TimeUnit.NANOSECONDS.toMillis(maxWaitNs));
        return stillReading;
    }

    /** Queries registered now (tests, status). */
    public long active() {
        long sum = 0;
        for (int s = 0; s < SLOTS; s++) {
            sum += active.get(s);
        }
        return sum;
    }

    private static int slot(final long token) {
        return (int) (token & SLOT_MASK);
    }

    private static long epoch(final long token) {
        return token >>> SLOT_BITS;
    }
}
