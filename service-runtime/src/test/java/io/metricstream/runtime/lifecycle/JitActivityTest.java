package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
    void shouldLetTheWaitingWarmupRunFirstWhenOneYieldsItsTurn() throws Exception {
        final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Thread other = new Thread(() -> JitActivity.inTurn(waitedMs -> order.add("other"), e -> false));
        final String answer = JitActivity.inTurn(waitedMs -> {
            try {
                order.add("first");
                other.start();
                awaitWaiting(other);
                JitActivity.yieldTurn();
                order.add("first again");
                return "done";
            } catch (final InterruptedException e) {
                throw new AssertionError(e);
            }
        }, e -> "stopped");
        other.join();
        assertEquals("done", answer);
        assertEquals(List.of("first", "other", "first again"), order);
        JitActivity.takeTurn().close(); // released once, by the yielding warm-up's inTurn
    }

    @Test
    void shouldKeepTheTurnWhenNoneWaitsAndRefuseAYieldOutsideATurn() throws Exception {
        final Long yielded = JitActivity.inTurn(waitedMs -> {
            try {
                return JitActivity.yieldTurn();
            } catch (final InterruptedException e) {
                throw new AssertionError(e);
            }
        }, e -> -1L);
        assertEquals(Long.valueOf(0), yielded);
        assertThrows(IllegalStateException.class, JitActivity::yieldTurn);
        JitActivity.takeTurn().close();
    }

    @Test
    void shouldThrowWithoutTheTurnWhenInterruptedWhileTakingItBack() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread waiter = new Thread(() -> JitActivity.inTurn(waitedMs -> {
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                throw new AssertionError(e);
            }
        }, e -> false));
        final Thread yielder = new Thread(() -> thrown.set(assertThrows(IllegalStateException.class,
            () -> JitActivity.inTurn(waitedMs -> {
                try {
                    waiter.start();
                    awaitWaiting(waiter);
                    return JitActivity.yieldTurn();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while taking the turn back", e);
                }
            }, e -> -1L))));
        yielder.start();
        awaitWaiting(yielder); // the waiter holds the turn, the yielder waits to take it back
        yielder.interrupt();
        yielder.join();
        release.countDown();
        waiter.join();
        assertInstanceOf(InterruptedException.class, thrown.get().getCause());
        JitActivity.takeTurn().close(); // free: the interrupted yielder's close released nothing it did not hold
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

    private static final String[] STORAGE = {"io.metricstream.storage.", "io.metricstream.contracts.chunk."};
    private static final String HEAD = "io.metricstream.storage.head.";

    @Test
    void shouldParseACodelistLineWhenHotSpotPrintsOne() throws IOException {
        // lines of `jcmd PID Compiler.codelist` from ./metricstream up during its warm-ups (codelist-startup.txt)
        final String line = fixture("codelist-startup.txt").lines().filter(l -> l.startsWith("1939 ")).findFirst()
            .orElseThrow();
        final JitActivity.Code code = JitActivity.Code.parse(line);
        assertEquals(new JitActivity.Code(1939, 2, 0, HEAD + "Head$WriterContext.clearCounts()V"), code);
        assertNull(JitActivity.Code.parse("17923:"));
        assertNull(JitActivity.Code.parse(""));
        assertNull(JitActivity.Code.parse("Current compiles: "));
    }

    @Test
    void shouldListInUseTier2And3CodeOfWatchedMethodsWhenReadingTheCodelist() throws IOException {
        final Map<String, Integer> midTier = JitActivity.midTier(fixture("codelist-startup.txt"), STORAGE);
        // sameKey, sameWindow, writeBits: tier 4 in use beside not-entrant tier 2/3 code; Object.<init> not watched
        assertEquals(Map.of(
            HEAD + "Head$WriterContext.clearCounts()V", 2,
            HEAD + "MemSeries.cut(Lio/metricstream/storage/head/Head$WriterContext;)V", 2,
            HEAD + "HeadChunk.<init>(JJI[B)V", 2,
            "io.metricstream.storage.select.warmup.SelectWarmup.fill(Lio/metricstream/storage/db/TimeSeriesDb;J)V", 3,
            "io.metricstream.contracts.chunk.ChunkWriter.encode([J[JILio/metricstream/contracts/chunk/BitWriter;)I", 3,
            "io.metricstream.contracts.chunk.ChunkWriter.encode(Lio/metricstream/contracts/chunk/BitWriter;)I", 3),
            midTier);
    }

    @Test
    void shouldCountTheC2QueueWhenReadingCompilerQueue() throws IOException {
        assertEquals(53, JitActivity.c2QueueLength(fixture("queue-startup.txt")));
        assertEquals(0, JitActivity.c2QueueLength(fixture("queue-c2-empty.txt")));
    }

    @Test
    void shouldKeepSettlingWhileTheTier23SetShrinks() throws Exception {
        final FakeDiagnostics jvm = new FakeDiagnostics()
            .round(QUEUE_SHORT, Map.of("A", 3, "B", 3, "C", 2)) // end of the fixed rounds
            .round(QUEUE_SHORT, Map.of("A", 3, "B", 3, "C", 3)) // C to tier 3
            .round(QUEUE_SHORT, Map.of("B", 3, "C", 3))         // A to tier 4
            .round(QUEUE_SHORT, Map.of("C", 3, "D", 3))         // B to tier 4, D turned hot: no shrink
            .round(QUEUE_SHORT, Map.of("C", 3, "D", 3));        // stalled: C, D too rarely called
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        assertEquals(4, jit.settle(10, () -> true, () -> { }));
        assertTrue(jit.settled());
        assertEquals(0, jvm.rounds.size());
    }

    @Test
    void shouldStopSettlingWhenTheTier23SetStopsShrinking() throws Exception {
        final FakeDiagnostics jvm = new FakeDiagnostics()
            .round(QUEUE_SHORT, Map.of("A", 3, "B", 2))
            .round(QUEUE_SHORT, Map.of("A", 3, "B", 2))
            .round(QUEUE_SHORT, Map.of("A", 3, "B", 2));
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        assertEquals(1, jit.settle(10, () -> true, () -> { }));
        assertTrue(jit.settled());
    }

    @Test
    void shouldWaitForTier2CodeWhileTheC2QueueIsLong() throws Exception {
        // HotSpot moves tier-2 code to tier 3 only once the C2 queue is short: an unchanged set is no stall then
        final FakeDiagnostics jvm = new FakeDiagnostics()
            .round(QUEUE_LONG, Map.of("A", 2))
            .round(QUEUE_LONG, Map.of("A", 2))
            .round(QUEUE_LONG, Map.of("A", 2))
            .round(QUEUE_SHORT, Map.of("A", 2))
            .round(QUEUE_SHORT, Map.of("A", 3))
            .round(QUEUE_SHORT, Map.of())
            .round(QUEUE_SHORT, Map.of())
            .round(QUEUE_SHORT, Map.of());
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        assertEquals(7, jit.settle(10, () -> true, () -> { }));
        assertTrue(jit.settled());
        // before each of the rounds after a long-queue one it waited: two long polls, then a short one
        assertEquals(3 * (FakeDiagnostics.LONG_POLLS + 1), jvm.waitPolls);
    }

    @Test
    void shouldWaitBeforeTheFirstRoundUntilTheC2QueueIsShort() {
        final Deque<String> queues = new ArrayDeque<>(List.of(QUEUE_LONG, QUEUE_LONG, QUEUE_SHORT, QUEUE_LONG));
        final JitActivity jit = new JitActivity(queueOnly(queues::poll), null, 2, HEAD);
        jit.awaitShortC2Queue(60_000, () -> true);
        assertEquals(List.of(QUEUE_LONG), List.copyOf(queues), "polled up to the first short queue, no further");
    }

    @Test
    void shouldStopWaitingBeforeTheFirstRoundWhenTheBudgetOrTheCapEnds() {
        final int[] polls = {0};
        final JitActivity jit = new JitActivity(queueOnly(() -> {
            polls[0]++;
            return QUEUE_LONG;
        }), null, 2, HEAD);
        final int[] asked = {0};
        jit.awaitShortC2Queue(60_000, () -> asked[0]++ < 3);
        assertEquals(4, polls[0], "three polls while going, the fourth ends the wait");
        polls[0] = 0;
        jit.awaitShortC2Queue(0, () -> true);
        assertEquals(1, polls[0], "a cap of 0 ms reads the queue once and does not wait");
        // where the queue cannot be read there is nothing to wait for
        polls[0] = 0;
        new JitActivity(queueOnly(() -> {
            polls[0]++;
            return null;
        }), null, 2, HEAD).awaitShortC2Queue(60_000, () -> true);
        assertEquals(1, polls[0], "an unreadable queue is read once");
    }

    /** Diagnostics with a compile queue from {@code queues} (null: unreadable) and no code list. */
    private static JitActivity.Diagnostics queueOnly(final Supplier<String> queues) {
        return new JitActivity.Diagnostics() {
            @Override
            public String compilerQueue() {
                return queues.get();
            }

            @Override
            public String codelist() {
                return null;
            }
        };
    }

    @Test
    void shouldStopWaitingForTheC2QueueWhenTheBudgetEnds() throws Exception {
        final FakeDiagnostics jvm = new FakeDiagnostics().round(QUEUE_LONG, Map.of("A", 2));
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        final int[] asked = {0};
        // the budget ends during the wait: no round runs after it
        assertEquals(0, jit.settle(10, () -> asked[0]++ < 2, () -> {
            throw new AssertionError("a round ran after the budget");
        }));
        assertFalse(jit.settled());
    }

    @Test
    void shouldNotCountARoundQuietWhileAWatchedMethodIsQueued() throws Exception {
        final FakeDiagnostics jvm = new FakeDiagnostics()
            .round(QUEUE_SHORT + "\n4711       4       io.metricstream.storage.head.A::a (7 bytes)\n", Map.of())
            .round(QUEUE_SHORT, Map.of())
            .round(QUEUE_SHORT, Map.of());
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        assertEquals(2, jit.settle(10, () -> true, () -> { }));
        assertTrue(jit.settled());
    }

    @Test
    void shouldStopSettlingWhenTheBudgetEnds() throws Exception {
        final FakeDiagnostics jvm = new FakeDiagnostics();
        final Map<String, Integer> set = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            set.put("M" + i, 3);
        }
        for (int i = 0; i < 20; i++) {
            jvm.round(QUEUE_SHORT, Map.copyOf(set)); // one method to tier 4 per round: never stalls
            set.remove("M" + i);
        }
        final JitActivity jit = jvm.activity();
        jit.fixedRoundEnded();
        final int[] ran = {0};
        assertEquals(3, jit.settle(10, () -> ran[0] < 3, () -> ran[0]++));
        assertFalse(jit.settled());
        final JitActivity capped = jvm.activity();
        capped.fixedRoundEnded();
        assertEquals(5, capped.settle(5, () -> true, () -> { }), "maxRounds bounds it too");
        assertFalse(capped.settled());
    }

    @Test
    void shouldNameTheMethodsLeftAtTier2Or3() throws IOException {
        final JitActivity jit = new JitActivity(new JitActivity.Diagnostics() {
            @Override
            public String compilerQueue() {
                return null;
            }

            @Override
            public String codelist() {
                return fixture("codelist-startup.txt");
            }
        }, null, 2, STORAGE);
        assertEquals(6, jit.midTierCount());
        final List<String> names = jit.midTierMethods(10);
        assertTrue(names.contains("MemSeries.cut@2") && names.contains("SelectWarmup.fill@3"), names.toString());
        assertEquals(2, jit.midTierMethods(2).size());
    }

    private static final String QUEUE_SHORT = "1:\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
        + "1737       4       java.lang.Class::cast (27 bytes)\n";
    private static final String QUEUE_LONG = QUEUE_SHORT
        + "1855       4       java.util.List::copyOf (5 bytes)\n"
        + "2236 %     4       java.util.Arrays::fill @ 10 (28 bytes)\n";

    /**
     * Snapshots of the code list and compile queue, one pair per round end (the code list is read first); watched
     * package {@link #HEAD}. Polled again (JitActivity waiting for a long C2 queue), the queue stays as it was for
     * {@link #LONG_POLLS} polls, then is short.
     */
    private static final class FakeDiagnostics implements JitActivity.Diagnostics {
        static final int LONG_POLLS = 2;
        private final Deque<String[]> rounds = new ArrayDeque<>();
        private String[] now;
        private int polls;
        private int waitPolls;

        FakeDiagnostics round(final String queue, final Map<String, Integer> midTier) {
            final StringBuilder codes = new StringBuilder("1:\n13 4 1 java.lang.Object.<init>()V [0x1, 0x2 - 0x3]\n");
            int id = 100;
            for (final Map.Entry<String, Integer> e : midTier.entrySet()) {
                codes.append(id++).append(' ').append(e.getValue()).append(" 0 ").append(HEAD).append(e.getKey())
                    .append("()V [0x1, 0x2 - 0x3]\n");
            }
            codes.append(id).append(" 4 0 ").append(HEAD).append("Done.run()V [0x1, 0x2 - 0x3]\n");
            rounds.add(new String[] {queue, codes.toString()});
            return this;
        }

        JitActivity activity() {
            return new JitActivity(this, null, 2, HEAD);
        }

        @Override
        public String compilerQueue() {
            if (now == null) {
                return null;
            }
            if (polls++ == 0) {
                return now[0];
            }
            waitPolls++;
            return polls <= LONG_POLLS + 1 ? now[0] : QUEUE_SHORT;
        }

        @Override
        public String codelist() {
            now = rounds.poll(); // asked first at each round end
            polls = 0;
            return now == null ? null : now[1];
        }
    }

    private static String fixture(final String name) {
        try (InputStream in = JitActivityTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new IllegalStateException(name, e);
        }
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
