package io.metricstream.queue.topic;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The single-writer threads: a small striped pool of single-thread executors. Partition {@code i} of the
 * broker's partition list always runs its appends, rolls and retention on stripe {@code i % threads}, so each
 * partition has exactly one writer thread and no Netty event loop ever blocks on a write or an fsync.
 */
public final class PartitionWriters implements AutoCloseable {
    private final ExecutorService[] stripes;
    private int next;

    /** {@code threads} writer threads named {@code queue-writer-N}. */
    public PartitionWriters(final int threads) {
        stripes = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            final int n = i;
            stripes[i] = Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "queue-writer-" + n);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The stripe for the next partition created (round robin). */
    public synchronized ExecutorService nextStripe() {
        final ExecutorService s = stripes[next];
        next = (next + 1) % stripes.length;
        return s;
    }

    /** Stops the threads after the queued tasks ran (waits up to 5 s). */
    @Override
    public void close() {
        for (final ExecutorService s : stripes) {
            s.shutdown();
        }
        for (final ExecutorService s : stripes) {
            try {
                s.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
