package io.metricstream.ingestion.batch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of accepted requests not yet acked by the queue ({@code ingestion.max_inflight_bytes}). A
 * request acquires its estimate before it enters the ring and releases it when it completes; when the queue is
 * slow or down the budget fills and new requests answer 503 at once instead of queueing without bound. Accepted
 * samples are never dropped to make room. Lock-free; any thread.
 */
public final class InFlightBudget {
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code maxBytes}. */
    public InFlightBudget(final long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * What a request of {@code stagedBytes} staging, {@code keyBytes} of series keys and {@code samples} samples
     * can hold at most: its staging, plus the record bytes built from it (each sample may start a record of
     * 40 B framing + value, plus its key).
     */
    public static long estimate(final int stagedBytes, final int keyBytes, final int samples) {
        return (long) stagedBytes + keyBytes + 40L * samples;
    }

    /** Takes {@code bytes} when they fit; false (and nothing taken) otherwise. */
    public boolean tryAcquire(final long bytes) {
        while (true) {
            final long now = used.get();
            if (now + bytes > maxBytes && now > 0) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Returns {@code bytes}. */
    public void release(final long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes held now. */
    public long usedBytes() {
        return used.get();
    }

    /** The bound. */
    public long maxBytes() {
        return maxBytes;
    }
}
