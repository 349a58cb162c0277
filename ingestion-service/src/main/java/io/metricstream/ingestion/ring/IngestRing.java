package io.metricstream.ingestion.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMAX Disruptor between the HTTP event loops (many producers) and the {@code PartitionBatcher} (one
 * consumer, the single writer of record batches). Slots are {@link SeriesRunEvent}s preallocated at start, one
 * per run of a series' consecutive samples (not per sample): a request of 1,000 series × 5 samples is 1,000
 * slots. A request is published in claims of up to {@link #maxClaim()} slots: one CAS on the multi-producer
 * cursor per claim rather than per run, then one publish of the range, which also signals the consumer once.
 * When the ring is full the publisher waits for the batcher, which never blocks (batches go to the queue
 * asynchronously and the in-flight budget bounds what is outstanding), so the wait is short and bounded.
 *
 * <p>The consumer waits with {@link BatcherWaitStrategy}: it polls while traffic is recent, so a publish under
 * load does not pay a wake-up. With {@code lingerMs > 0} the wait has a timeout so the batcher's
 * {@code onTimeout} can flush batches that reached their linger while the ring is idle.
 *
 * <p>Besides samples the ring carries signals ({@link #signal}: a slot with no request), which the queue
 * client's threads publish when a produce answers, so the batcher learns of acks in its own thread; a signal also
 * ends the batcher's timed poll ({@link BatcherWaitStrategy#wakeFromPoll}).
 */
public final class IngestRing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRing.class);

    /** How often the idle batcher polls while traffic is recent. */
    static final long POLL_NANOS = 200_000;
    /** How long after its last event the batcher keeps polling before it blocks. */
    static final long HOT_NANOS = 1_000_000;

    private final BatcherWaitStrategy wait;
    private final Disruptor<SeriesRunEvent> disruptor;
    private final RingBuffer<SeriesRunEvent> ring;
    private final int maxClaim;
    // per publishing thread (event loops): the ends of the runs of the claim being filled
    private final ThreadLocal<int[]> runEnds;

    /** Starts a ring of {@code size} slots (a power of two) consumed by {@code handler} on its own thread. */
    public IngestRing(final int size, final EventHandler<SeriesRunEvent> handler, final long lingerMs,
                      final ThreadFactory threadFactory, final ExceptionHandler<? super SeriesRunEvent> exceptions) {
        this.wait = new BatcherWaitStrategy(POLL_NANOS, HOT_NANOS,
            TimeUnit.MILLISECONDS.toNanos(lingerMs));
        this.disruptor = new Disruptor<>(SeriesRunEvent::new, size, threadFactory, ProducerType.MULTI, wait);
        disruptor.handleEventsWith(handler);
        disruptor.setDefaultExceptionHandler(exceptions);
        this.ring = disruptor.start();
        this.maxClaim = Math.max(1, Math.min(size / 4, 1024));
        final int claim = maxClaim;
        this.runEnds = ThreadLocal.withInitial(() -> new int[claim]);
    }

    /** Largest number of slots (runs) claimed at once. */
    public int maxClaim() {
        return maxClaim;
    }

    /** Publishes every staged sample of {@code request}, in order, one slot per run. Waits while the ring is full. */
    public void publish(final IngestRequest request) {
        final int[] ends = runEnds.get();
        final int n = request.sampleCount();
        while (request.publishIndex < n) {
            final int claim = SeriesRunTranslator.findRuns(request, ends);
            final long hi = ring.next(claim);
            final long lo = hi - claim + 1;
            for (int k = 0; k < claim; k++) {
                SeriesRunTranslator.translateTo(ring.get(lo + k), request, ends[k]);
            }
            ring.publish(lo, hi);
        }
    }

    /**
     * Publishes a signal for {@code partition} (a slot with no request, see {@link SeriesRunEvent#isSignal}): the
     * queue answered one of its produces. Any thread; never waits: when the ring is full the signal is dropped
     * (the busy batcher reaches its next {@code endOfBatch} anyway) and false is returned.
     */
    public boolean signal(final int partition) {
        final long seq;
        try {
            seq = ring.tryNext();
        } catch (final InsufficientCapacityException full) {
            return false;
        }
        final SeriesRunEvent e = ring.get(seq);
        e.request = null;
        e.partition = partition;
        e.last = false;
        ring.publish(seq);
        // the answer may let a gated batch go: do not leave it waiting for the end of the batcher's poll
        wait.wakeFromPoll();
        return true;
    }

    /** Slots (runs and signals) published and not yet consumed. */
    public long occupancy() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    /** Slots in the ring. */
    public int capacity() {
        return ring.getBufferSize();
    }

    /** Waits up to 5 s for the batcher to drain what was published, then stops it. */
    @Override
    public void close() {
        try {
            disruptor.shutdown(5, TimeUnit.SECONDS);
        } catch (final TimeoutException e) {
            LOG.warn("ingest ring did not drain within 5 s; halting with {} events left", occupancy());
            disruptor.halt();
        }
    }
}
