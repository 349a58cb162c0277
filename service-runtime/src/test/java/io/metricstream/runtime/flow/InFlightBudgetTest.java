package io.metricstream.runtime.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class InFlightBudgetTest {

    @Test
    void shouldRefuseWhenTheCapWouldBeExceededAndAcceptAgainAfterRelease() {
        final InFlightBudget budget = new InFlightBudget(100);
        assertTrue(budget.tryAcquire(60));
        assertFalse(budget.tryAcquire(41));
        assertEquals(60, budget.usedBytes());
        assertTrue(budget.tryAcquire(40));
        budget.release(60);
        assertTrue(budget.tryAcquire(60));
        assertEquals(100, budget.usedBytes());
    }

    @Test
    void shouldLetOneOversizedAcquisitionThroughWhenNothingIsInFlight() {
        final InFlightBudget budget = new InFlightBudget(100);
        assertTrue(budget.tryAcquire(500));
        assertFalse(budget.tryAcquire(1));
        budget.release(500);
        assertEquals(0, budget.usedBytes());
    }

    @Test
    void shouldNeverExceedTheCapWhenManyThreadsRace() throws InterruptedException {
        final InFlightBudget budget = new InFlightBudget(1_000);
        final AtomicLong maxSeen = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    if (budget.tryAcquire(7)) {
                        maxSeen.accumulateAndGet(budget.usedBytes(), Math::max);
                        budget.release(7);
                    }
                }
                done.countDown();
            }).start();
        }
        done.await();
        assertTrue(maxSeen.get() <= 1_000, "max in flight " + maxSeen.get());
        assertEquals(0, budget.usedBytes());
    }
}
