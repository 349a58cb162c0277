package io.metricstream.runtime.lifecycle;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An executor as a service's API sees it while its startup warm-up runs: tasks submitted before {@code done}
 * completes wait for it (a query or select arriving during the warm-up waits at most the warm-up's budget, then
 * runs compiled code), later ones go straight to {@code delegate}. Thread-safe.
 */
public final class WarmupGate extends AbstractExecutorService {
    private final ExecutorService delegate;
    private final CompletableFuture<?> done;

    /** Holds tasks for {@code delegate} until {@code done} completes (normally or not). */
    public WarmupGate(final ExecutorService delegate, final CompletableFuture<?> done) {
        this.delegate = delegate;
        this.done = done;
    }

    @Override
    public void execute(final Runnable task) {
        if (done.isDone()) {
            delegate.execute(task);
        } else {
            // runs at once on this thread when done completed in between
            done.whenComplete((ignored, t) -> delegate.execute(task));
        }
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }
}
