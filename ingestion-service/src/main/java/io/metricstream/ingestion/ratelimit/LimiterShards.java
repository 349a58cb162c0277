package io.metricstream.ingestion.ratelimit;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-client {@link SlidingWindowLimiter}s in {@value #STRIPES} stripes, each a small map under its own lock,
 * picked by the client id's hash: requests of different clients rarely meet on a lock, and there is no global
 * one. Why 64: with the default 2× cores event loops (4 here, 64 on a 32-core box) the chance that two loops hit
 * one stripe at the same moment stays below a few percent; a stripe's critical section is a map lookup and a few
 * arithmetic operations (well under a microsecond), so more stripes would only cost memory. Idle clients (silent
 * for two windows) are evicted from a stripe when it passes {@value #EVICT_ABOVE} entries, bounding memory under
 * many distinct clients. Thread-safe.
 */
public final class LimiterShards {
    static final int STRIPES = 64;
    static final int EVICT_ABOVE = 4096;

    private final long samplesPerWindow;
    private final long windowMs;
    private final Stripe[] stripes = new Stripe[STRIPES];

    /** One stripe: a lock and the limiters of the clients hashing to it. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        // guarded by lock
        final Map<String, SlidingWindowLimiter> limiters = new HashMap<>();
    }

    /** Limits of {@code samplesPerSecond} over a window of {@code windowMs}; 0 samples per second = off. */
    public LimiterShards(final long samplesPerSecond, final long windowMs) {
        this.samplesPerWindow = Math.max(1, samplesPerSecond * windowMs / 1000);
        this.windowMs = windowMs;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Takes {@code samples} for {@code clientId}; 0 when allowed, else milliseconds to wait. */
    public long tryAcquire(final String clientId, final long samples, final long nowMs) {
        final int h = clientId.hashCode();
        final Stripe s = stripes[(h ^ h >>> 16) & STRIPES - 1];
        s.lock.lock();
        try {
            final Map<String, SlidingWindowLimiter> map = s.limiters;
            SlidingWindowLimiter limiter = map.get(clientId);
            if (limiter == null) {
                if (map.size() >= EVICT_ABOVE) {
                    evictIdle(map, nowMs);
                }
                limiter = new SlidingWindowLimiter(samplesPerWindow, windowMs, nowMs);
                map.put(clientId, limiter);
            }
            return limiter.tryAcquire(samples, nowMs);
        } finally {
            s.lock.unlock();
        }
    }

    /** Clients tracked (for tests and metrics). */
    public int clients() {
        int n = 0;
        for (final Stripe s : stripes) {
            s.lock.lock();
            try {
                n += s.limiters.size();
            } finally {
                s.lock.unlock();
            }
        }
        return n;
    }

    private void evictIdle(final Map<String, SlidingWindowLimiter> map, final long nowMs) {
        final Iterator<SlidingWindowLimiter> it = map.values().iterator();
        while (it.hasNext()) {
            if (nowMs - it.next().lastSeenMs() > 2 * windowMs) {
                it.remove();
            }
        }
    }
}
