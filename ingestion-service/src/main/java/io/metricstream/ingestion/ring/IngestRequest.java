package io.metricstream.ingestion.ring;

import io.metricstream.ingestion.format.StagedSamples;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted request on its way to the queue: its staged samples, the in-flight bytes it holds, and a count of
 * what it still waits for. The count starts at 1 for "still in the ring"; the batcher adds one per record batch
 * that takes some of its samples (a series run split where a batch fills counts in each) and removes the first
 * when it has batched the request's last run; each
 * batch's ack (or failure) removes one. At zero the request completes exactly once: success only when no batch
 * failed, so a 2xx always means every sample is in the queue (at-least-once, never a partial success).
 *
 * <p>Thread ownership: created and published by an event loop; {@code lastBatchId} and the staging release belong
 * to the batcher thread; the count and failure are touched by the queue client's thread too (atomics).
 */
public final class IngestRequest {
    /** Called once when every batch holding the request's samples is acked or failed. */
    @FunctionalInterface
    public interface Completion {
        /** {@code failureOrNull} is null on success, else why a batch failed. Runs on the queue client's thread. */
        void onComplete(IngestRequest request, String failureOrNull);
    }

    private final StagedSamples samples;
    private final Completion completion;
    private final long budgetBytes;
    private final int sampleCount;
    private final AtomicInteger pending = new AtomicInteger(1);
    private volatile String failure;
    // the first sample not yet in a ring slot; written by the publishing event loop only
    int publishIndex;
    // batcher thread only
    private boolean allTaken;

    /** A request of {@code samples} holding {@code budgetBytes} of the in-flight budget. */
    public IngestRequest(final StagedSamples samples, final long budgetBytes, final Completion completion) {
        this.samples = samples;
        this.budgetBytes = budgetBytes;
        this.completion = completion;
        this.sampleCount = samples.sampleCount();
    }

    /** The staged samples (released by the batcher after the last one is batched). */
    public StagedSamples samples() {
        return samples;
    }

    /** Samples in the request. */
    public int sampleCount() {
        return sampleCount;
    }

    /** Index of the first staged sample not yet published to the ring (publishing thread). */
    public int publishIndex() {
        return publishIndex;
    }

    /** In-flight bytes the request holds until it completes. */
    public long budgetBytes() {
        return budgetBytes;
    }

    /**
     * The batcher has taken the request's last sample from the ring (set before it is added, so an exception
     * while adding cannot leave the request looking unfinished). Batcher thread.
     */
    public void lastTaken() {
        allTaken = true;
    }

    /** Whether the batcher has taken every sample of the request from the ring. Batcher thread. */
    public boolean allTaken() {
        return allTaken;
    }

    /** A batch took some of this request's samples. Batcher thread. */
    public void batchOpened() {
        pending.incrementAndGet();
    }

    /** The batcher has batched the request's last sample. Batcher thread. */
    public void sealed() {
        done(null);
    }

    /** A batch holding some of this request's samples was acked ({@code null}) or failed. Any thread. */
    public void batchDone(final String failureOrNull) {
        done(failureOrNull);
    }

    private void done(final String failureOrNull) {
        if (failureOrNull != null && failure == null) {
            failure = failureOrNull;
        }
        if (pending.decrementAndGet() == 0) {
            completion.onComplete(this, failure);
        }
    }

    /** Reuses the request for another publish of the same staging (benchmarks and allocation tests only). */
    public void resetForReuse() {
        publishIndex = 0;
        allTaken = false;
        failure = null;
        pending.set(1);
    }
}
