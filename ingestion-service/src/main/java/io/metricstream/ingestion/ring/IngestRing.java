package io.metricstream.ingestion.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMAX Disruptor between the HTTP event loops (many producers) and the {@code PartitionBatcher} (one
 * consumer, the single writer of record batches). Slots are {@link SampleEvent}s preallocated at start.
 * A request is published in claims of up to {@link #maxClaim()} slots: one CAS on the multi-producer cursor per
 * claim rather than per sample, then one publish of the range, which also signals the consumer once.
 * When the ring is full the publisher waits for the batcher, which never blocks (batches go to the queue
 * asynchronously and the in-flight budget bounds what is outstanding), so the wait is short and bounded.
 *
 * <p>With {@code lingerMs > 0} the consumer waits with a timeout so the batcher's {@code onTimeout} can flush
 * batches that reached their linger while the ring is idle.
 */
public final class IngestRing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRing.class);

    private final Disruptor<SampleEvent> disruptor;
    private final RingBuffer<SampleEvent> ring;
    private final int maxClaim;

    /** Starts a ring of {@code size} slots (a power of two) consumed by {@code handler} on its own thread. */
    public IngestRing(final int size, final EventHandler<SampleEvent> handler, final long lingerMs,
                      final ThreadFactory threadFactory, final ExceptionHandler<? super SampleEvent> exceptions) {
        final WaitStrategy wait = lingerMs > 0 ? new LiteTimeoutBlockingWaitStrategy(lingerMs, TimeUnit.MILLISECONDS)
            : new LiteBlockingWaitStrategy();
        this.disruptor = new Disruptor<>(SampleEvent::new, size, threadFactory, ProducerType.MULTI, wait);
        disruptor.handleEventsWith(handler);
        disruptor.setDefaultExceptionHandler(exceptions);
        this.ring = disruptor.start();
        this.maxClaim = Math.max(1, Math.min(size / 4, 1024));
    }

    /** Largest number of slots claimed at once. */
    public int maxClaim() {
        return maxClaim;
    }

    /** Publishes every staged sample of {@code request}, in order. Waits while the ring is full. */
    public void publish(final IngestRequest request) {
        final int n = request.sampleCount();
        int done = 0;
        while (done < n) {
            final int claim = Math.min(n - done, maxClaim);
            final long hi = ring.next(claim);
            final long lo = hi - claim + 1;
            for (long seq = lo; seq <= hi; seq++) {
                SampleEventTranslator.INSTANCE.translateTo(ring.get(seq), seq, request);
            }
            ring.publish(lo, hi);
            done += claim;
        }
    }

    /** Slots published and not yet consumed. */
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
