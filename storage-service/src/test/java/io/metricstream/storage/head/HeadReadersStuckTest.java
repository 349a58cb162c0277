package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reader stuck past one truncation's bounded wait is given up on once: later truncations do not wait for it again
 * (it is overtaken and fails or retries when it resumes), while they still wait for the readers that came after.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadReadersStuckTest {
    private static final long SMALL_BOUND_NS = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void shouldWaitForAStuckReaderOnlyOnceWhenLaterTruncationsFollow() throws Exception {
        final HeadReaders readers = new HeadReaders(SMALL_BOUND_NS);
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ExecutorService query = Executors.newSingleThreadExecutor();
        try {
            final Future<Boolean> stuck = query.submit(() -> {
                final long token = readers.enter();
                entered.countDown();
                release.await();
                final boolean overtaken = readers.overtaken(token);
                readers.exit(token);
                return overtaken;
            });
            entered.await();
            final List<Long> givenUp = new ArrayList<>();
            for (int flush = 0; flush < 4; flush++) {
                // a prompt reader between the flushes: registered and gone before the next one
                final long prompt = readers.enter();
                readers.exit(prompt);
                givenUp.add(readers.awaitEarlier());
            }
            assertEquals(List.of(1L, 0L, 0L, 0L), givenUp, "readers each flush stopped waiting for");
            release.countDown();
            assertTrue(stuck.get(), "the stuck reader learns it was overtaken");
            assertEquals(0, readers.active());
        } finally {
            release.countDown();
            query.shutdownNow();
        }
    }

    @Test
    void shouldStillWaitForNewReadersWhenAStuckOneWasGivenUp() {
        final HeadReaders readers = new HeadReaders(0);
        final long stuck = readers.enter();
        assertEquals(1, readers.awaitEarlier());
        // every later epoch's own stuck reader is waited for (and given up on) by the flush right after it, once;
        // past SLOTS - 1 stalled epochs at once a new epoch shares a slot with given-up readers: waited for again
        final List<Long> later = new ArrayList<>();
        for (int flush = 0; flush < 40; flush++) {
            final long reader = readers.enter();
            assertFalse(readers.overtaken(reader));
            final long givenUp = readers.awaitEarlier();
            if (flush < HeadReaders.SLOTS - 1) {
                assertEquals(1, givenUp, "flush " + flush);
            } else {
                assertTrue(givenUp >= 1, "flush " + flush + " gave up on " + givenUp);
            }
            assertTrue(readers.overtaken(reader));
            later.add(reader);
        }
        readers.exit(stuck);
        later.forEach(readers::exit);
        assertEquals(0, readers.active());
        assertEquals(0, readers.awaitEarlier(), "the slots are free again once their readers exit");
        assertTrue(readers.overtaken(stuck));
        assertFalse(readers.overtaken(readers.enter()));
    }

    /**
     * Seeded model check, one thread, a bound of 0, truncations and block retirements interleaved: a truncation gives
     * up on exactly the readers still registered in the epochs it closes that no earlier truncation gave up on, a
     * reader is overtaken iff a truncation gave up at its epoch or later, and a retirement's epoch is drained iff no
     * reader of it or an earlier epoch is registered, given up or not (fewer than {@code SLOTS - 2} readers at once,
     * so no epoch shares a slot).
     */
    @Test
    void shouldGiveUpOnlyOnTheClosedEpochsReadersWhenOperationsAreRandom() {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++) {
            final HeadReaders readers = new HeadReaders(0);
            final List<long[]> open = new ArrayList<>(); // {token, model epoch}
            long epoch = 0;
            long givenUpAt = -1;
            final List<Long> retiredAt = new ArrayList<>();
            for (int op = 0; op < 200; op++) {
                final int kind = random.nextInt(10);
                if (kind < 4 && open.size() < HeadReaders.SLOTS - 2) {
                    open.add(new long[] {readers.enter(), epoch});
                } else if (kind < 8 && !open.isEmpty()) {
                    final long[] r = open.remove(random.nextInt(open.size()));
                    assertEquals(r[1] <= givenUpAt, readers.overtaken(r[0]), "seed=" + seed);
                    readers.exit(r[0]);
                } else if (kind == 9) {
                    assertEquals(epoch, readers.retire(), "seed=" + seed);
                    retiredAt.add(epoch);
                    epoch++;
                } else {
                    final long e = epoch;
                    final long g = givenUpAt;
                    final long expected = open.stream().filter(r -> r[1] <= e && r[1] > g).count();
                    assertEquals(expected, readers.awaitEarlier(), "seed=" + seed + " run=" + run + " op=" + op);
                    if (expected > 0) {
                        givenUpAt = epoch;
                    }
                    epoch++;
                }
                for (final long e : retiredAt) {
                    final boolean drained = open.stream().noneMatch(r -> r[1] <= e);
                    assertEquals(drained, readers.exitedUpTo(e), "seed=" + seed + " run=" + run + " op=" + op);
                }
            }
            open.forEach(r -> readers.exit(r[0]));
            assertEquals(0, readers.active(), "seed=" + seed);
        }
    }
}
