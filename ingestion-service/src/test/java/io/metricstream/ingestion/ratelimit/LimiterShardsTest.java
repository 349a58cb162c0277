package io.metricstream.ingestion.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LimiterShardsTest {
    @Test
    void shouldAdmitUpToLimitThenAskToWaitWhenWindowIsFull() {
        final SlidingWindowLimiter l = new SlidingWindowLimiter(100, 1000, 10_000);
        assertEquals(0, l.tryAcquire(60, 10_000));
        assertEquals(0, l.tryAcquire(40, 10_100));
        final long wait = l.tryAcquire(1, 10_200);
        assertTrue(wait > 0, "wait=" + wait);
    }

    @Test
    void shouldSlidePreviousWindowOutWhenTimePasses() {
        final SlidingWindowLimiter l = new SlidingWindowLimiter(100, 1000, 10_000);
        assertEquals(0, l.tryAcquire(100, 10_000));
        // at 11_500 half of the previous window still counts: 50 used
        assertTrue(l.tryAcquire(60, 11_500) > 0);
        assertEquals(0, l.tryAcquire(50, 11_500));
        // two windows later nothing of it counts
        assertEquals(0, l.tryAcquire(100, 13_000));
    }

    @Test
    void shouldAdmitOversizedRequestOnlyIntoEmptyWindow() {
        final SlidingWindowLimiter l = new SlidingWindowLimiter(10, 1000, 0);
        assertEquals(0, l.tryAcquire(50, 0));
        assertTrue(l.tryAcquire(50, 10) > 0);
    }

    @Test
    void shouldKeepClientsApartWhenTheyShareNoState() {
        final LimiterShards shards = new LimiterShards(10, 1000);
        assertEquals(0, shards.tryAcquire("a", 10, 0));
        assertTrue(shards.tryAcquire("a", 1, 1) > 0);
        assertEquals(0, shards.tryAcquire("b", 10, 1));
        assertEquals(2, shards.clients());
    }
}
