package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JitActivityTest {
    @Test
    void shouldReadTheCompileQueueWhenHotSpot() {
        // -1 would mean the warm-up cannot see the queue and falls back to the JVM-wide compilation time
        final JitActivity jit = new JitActivity("io.metricstream.query.", "io.metricstream.contracts.");
        assertTrue(jit.measurable());
        assertTrue(jit.queued() >= 0, "queued " + jit.queued());
    }

    @Test
    void shouldLetOneWarmupRunAtATimeWhenTwoTakeTurns() throws Exception {
        final JitActivity.Turn first = JitActivity.takeTurn();
        final CountDownLatch second = new CountDownLatch(1);
        final Thread other = new Thread(() -> {
            try {
                JitActivity.takeTurn().close();
                second.countDown();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            other.start();
            awaitWaiting(other);
            assertEquals(1, second.getCount(), "the second warm-up ran during the first one's turn");
        } finally {
            first.close();
        }
        assertTrue(second.await(10, TimeUnit.SECONDS), "the second warm-up never got its turn");
        other.join();
        first.close(); // a second close is a no-op: it must not release someone else's turn
        JitActivity.takeTurn().close();
    }

    @Test
    void shouldStopWaitingWhenInterrupted() throws Exception {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        interruptWhileWaiting(() -> {
            try {
                JitActivity.takeTurn().close();
            } catch (final InterruptedException e) {
                thrown.set(e);
            }
        });
        assertInstanceOf(InterruptedException.class, thrown.get());
    }

    @Test
    void shouldRunInTheTurnAndReleaseItWhenTheWarmupThrows() throws Exception {
        assertEquals("ran", JitActivity.inTurn(waitedMs -> "ran", e -> "stopped"));
        final IllegalStateException boom = new IllegalStateException("boom");
        final IllegalStateException thrown = assertThrows(IllegalStateException.class,
            () -> JitActivity.inTurn(waitedMs -> {
                throw boom;
            }, e -> "stopped"));
        assertEquals(boom, thrown);
        JitActivity.takeTurn().close(); // released although the warm-up threw
    }

    @Test
    void shouldAnswerStoppedAndKeepTheInterruptWhenInterruptedWhileWaiting() throws Exception {
        final AtomicReference<String> answer = new AtomicReference<>();
        final AtomicReference<Boolean> interrupted = new AtomicReference<>();
        interruptWhileWaiting(() -> {
            answer.set(JitActivity.inTurn(waitedMs -> "ran", e -> "stopped"));
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        assertEquals("stopped", answer.get());
        assertEquals(Boolean.TRUE, interrupted.get());
    }

    /** Runs {@code waiter} on a thread while this one holds the turn, and interrupts it once it waits for it. */
    private static void interruptWhileWaiting(final Runnable waiter) throws InterruptedException {
        final JitActivity.Turn first = JitActivity.takeTurn();
        final Thread other = new Thread(waiter);
        try {
            other.start();
            awaitWaiting(other);
            other.interrupt();
            other.join();
        } finally {
            first.close();
        }
    }

    /** Until {@code t} parks on the turn (a condition, not a sleep). */
    private static void awaitWaiting(final Thread t) {
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(t.isAlive(), "thread ended without waiting");
            Thread.onSpinWait();
        }
    }
}
