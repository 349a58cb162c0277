package io.metricstream.ingestion.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The batcher's wait: a short spin, then timed polls while traffic is recent ({@code hotNanos} after the wait
 * began), then a real block that publishers end with one {@link LockSupport#unpark}. For one consumer only.
 *
 * <p>Why not {@code LiteBlockingWaitStrategy}: under tiny requests (one sample each) the batcher drained the ring
 * after every request and blocked on a monitor, so every publish took the monitor, called {@code notifyAll} and
 * paid the futex wake-up: 38% of the JVM's CPU samples (half of the event loops') in the profile. Here a
 * publish costs one volatile read while the batcher polls (all the time under load), and one {@code unpark} only
 * after an idle spell of {@code hotNanos}.
 *
 * <p>Memory ordering: the waiter stores {@code sleeper} (volatile) before re-reading the cursor; a publisher
 * advances the cursor (a full fence) before reading {@code sleeper}; so either the waiter sees the new cursor or
 * the publisher sees the waiter and unparks it. A stale unpark leaves a permit and costs one spurious loop.
 *
 * <p>{@link #wakeFromPoll} (the queue's answers, through {@code IngestRing.signal}) also ends a poll at once: an
 * answer is what lets a gated batch go out (one produce in flight per partition), so under tiny requests the
 * timed poll added up to {@code pollNanos} to every produce round trip (answer to next produce: 340 to 170 us with
 * this wake, in loadgen/bench/tiny.sh). One unpark per answer, not per publish.
 *
 * <p>With {@code timeoutNanos > 0} (batch linger) a wait longer than that throws {@link TimeoutException}, so the
 * batcher's {@code onTimeout} can flush lingering batches while the ring is idle.
 */
public final class BatcherWaitStrategy implements WaitStrategy {
    private static final int SPINS = 64;

    private final long pollNanos;
    private final long hotNanos;
    private final long timeoutNanos;
    private volatile Thread sleeper;
    // the consumer while it is in a timed poll (null otherwise): wakeFromPoll ends that poll
    private volatile Thread poller;

    /** Polls every {@code pollNanos} for {@code hotNanos}, then blocks; {@code timeoutNanos} 0 = no timeout. */
    public BatcherWaitStrategy(final long pollNanos, final long hotNanos, final long timeoutNanos) {
        this.pollNanos = pollNanos;
        this.hotNanos = hotNanos;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
                        final SequenceBarrier barrier) throws AlertException, TimeoutException {
        long available = dependentSequence.get();
        if (available >= sequence) {
            return available;
        }
        final long start = System.nanoTime();
        int spins = 0;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
                continue;
            }
            final long waited = System.nanoTime() - start;
            if (timeoutNanos > 0 && waited >= timeoutNanos) {
                throw TimeoutException.INSTANCE;
            }
            if (waited < hotNanos) {
                poll(sequence, dependentSequence);
            } else {
                block(sequence, dependentSequence, barrier, timeoutNanos > 0 ? timeoutNanos - waited : 0);
            }
        }
        return available;
    }

    private void poll(final long sequence, final Sequence dependentSequence) {
        poller = Thread.currentThread();
        try {
            // re-read after publishing poller (see wakeFromPoll); a missed wake only costs the rest of the poll
            if (dependentSequence.get() < sequence) {
                LockSupport.parkNanos(this, pollNanos);
            }
        } finally {
            poller = null;
        }
    }

    private void block(final long sequence, final Sequence dependentSequence, final SequenceBarrier barrier,
                       final long maxNanos) {
        sleeper = Thread.currentThread();
        try {
            if (dependentSequence.get() < sequence && !barrier.isAlerted()) {
                if (maxNanos > 0) {
                    LockSupport.parkNanos(this, maxNanos);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            sleeper = null;
        }
    }

    /**
     * Ends the consumer's timed poll, if it is in one, after something it must act on at once was published
     * (a queue answer). A blocked consumer is woken by the publish itself ({@link #signalAllWhenBlocking}).
     */
    public void wakeFromPoll() {
        final Thread t = poller;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void signalAllWhenBlocking() {
        final Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
