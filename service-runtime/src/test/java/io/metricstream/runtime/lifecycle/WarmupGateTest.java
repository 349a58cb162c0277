package io.metricstream.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Awaits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WarmupGateTest {
    private final ExecutorService delegate = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        delegate.shutdownNow();
    }

    @Test
    void shouldHoldTasksUntilWarmupCompletesThenRunThem() throws Exception {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final WarmupGate gate = new WarmupGate(delegate, done);
        final AtomicInteger ran = new AtomicInteger();
        gate.execute(ran::incrementAndGet);
        gate.execute(ran::incrementAndGet);
        // the delegate is idle and FIFO: once a probe task ran there, any task the gate had passed on would have
        delegate.submit(() -> { }).get();
        assertEquals(0, ran.get());
        done.complete("warm");
        Awaits.await(Duration.ofSeconds(10), () -> ran.get() == 2, "held tasks run");
        gate.execute(ran::incrementAndGet);
        Awaits.await(Duration.ofSeconds(10), () -> ran.get() == 3, "later tasks run");
    }

    @Test
    void shouldReleaseTasksWhenWarmupFailed() {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final WarmupGate gate = new WarmupGate(delegate, done);
        final AtomicInteger ran = new AtomicInteger();
        gate.execute(ran::incrementAndGet);
        done.completeExceptionally(new IllegalStateException("warm-up broke"));
        Awaits.await(Duration.ofSeconds(10), () -> ran.get() == 1, "held task runs");
        gate.shutdown();
        assertTrue(delegate.isShutdown());
    }
}
