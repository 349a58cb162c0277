package io.metricstream.storage.select.warmup;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The select executor as the binary and HTTP APIs see it while the warm-up runs: tasks submitted before {@code done}
 * completes wait for it (a select arriving during the warm-up waits at most its budget, then runs compiled code),
 * later ones go straight to {@code delegate}. Thread-safe.
 */
public final class SelectGate extends AbstractExecutorService {
    private final ExecutorService delegate;
    private final CompletableFuture<?> done;

    /** Holds tasks for {@code delegate} until {@code done} completes (normally or not). */
    public SelectGate(final ExecutorService delegate, final CompletableFuture<?> done) {
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
