package io.metricstream.runtime.flow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free cap on bytes accepted but not yet done with (produce bytes not yet acked, request bytes not yet
 * answered). A caller that cannot take its bytes refuses the work at once with a retriable error (503 / THROTTLED)
 * instead of queueing without bound, so memory stays bounded when a downstream is slow or down. One acquisition
 * larger than the whole cap is let through when nothing else is in flight, so no request can starve forever.
 * Thread-safe: any thread may acquire and release.
 */
public final class InFlightBudget {
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code maxBytes}. */
    public InFlightBudget(final long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0: got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Takes {@code bytes} when they fit (or nothing is in flight); false, with nothing taken, otherwise. */
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

    /** Gives back {@code bytes} taken earlier. */
    public void release(final long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes in flight now. */
    public long usedBytes() {
        return used.get();
    }

    /** The cap. */
    public long maxBytes() {
        return maxBytes;
    }
}
