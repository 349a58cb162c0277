package io.metricstream.queue.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The cap on produce bytes accepted but not yet acknowledged ({@code queue.max_inflight_bytes}); a produce that
 * would exceed it is refused with THROTTLED, so memory held by pipelined producers stays bounded. Lock-free.
 */
public final class InFlightBytes {
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code maxBytes}. */
    public InFlightBytes(final long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Takes {@code bytes}; false (and nothing taken) when the cap would be exceeded. */
    public boolean tryAcquire(final int bytes) {
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
    public void release(final int bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes in flight. */
    public long used() {
        return used.get();
    }

    /** The cap. */
    public long maxBytes() {
        return maxBytes;
    }
}
