package io.metricstream.ingestion.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import io.metricstream.testsupport.Awaits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batcher's wait ends a timed poll when told to (a queue answer), not at the end of the poll. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatcherWaitStrategyTest {
    private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

    /** A barrier that is never alerted (waitFor is not used by the strategy). */
    private static final class QuietBarrier implements SequenceBarrier {
        @Override
        public long waitFor(final long sequence) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor() {
            return -1;
        }

        @Override
        public boolean isAlerted() {
            return false;
        }

        @Override
        public void alert() {
        }

        @Override
        public void clearAlert() {
        }

        @Override
        public void checkAlert() throws AlertException {
        }
    }

    @Test
    void shouldEndAPollAtOnceWhenWokenFromPoll() throws InterruptedException {
        // polls of an hour, hot for a day: without the wake the consumer would sit out the hour and the test time out
        final BatcherWaitStrategy wait = new BatcherWaitStrategy(HOUR_NANOS, 24 * HOUR_NANOS, 0);
        final Sequence published = new Sequence(-1);
        final AtomicLong got = new AtomicLong(Long.MIN_VALUE);
        final Thread consumer = new Thread(() -> {
            try {
                got.set(wait.waitFor(0, published, published, new QuietBarrier()));
            } catch (final AlertException | com.lmax.disruptor.TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }, "wait-test-consumer");
        consumer.setDaemon(true);
        consumer.start();
        // past the spins, parked in its poll (Awaits, not a bare spin loop that @Timeout could not interrupt)
        Awaits.await(Duration.ofSeconds(30), () -> consumer.getState() == Thread.State.TIMED_WAITING,
            "the consumer to park in its poll");

        published.set(0);
        wait.wakeFromPoll();
        consumer.join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(consumer.isAlive(), "the consumer still sits in its poll");
        assertEquals(0, got.get());
    }
}
