package io.metricstream.ingestion.ratelimit;

/**
 * One client's sliding-window counter (the two-bucket approximation Cloudflare and nginx use): the rate over the
 * last window is {@code previous * (1 - elapsed/window) + current}, so a burst at a window boundary cannot pass
 * twice the limit, with two longs of state instead of a timestamp per request.
 *
 * <p>Not thread-safe: guarded by its {@link LimiterShards} stripe lock.
 */
public final class SlidingWindowLimiter {
    private final long limit;
    private final long windowMs;
    private long windowStartMs;
    private long current;
    private long previous;
    private long lastSeenMs;

    /** A limiter of {@code limit} samples per {@code windowMs}. */
    public SlidingWindowLimiter(final long limit, final long windowMs, final long nowMs) {
        this.limit = limit;
        this.windowMs = windowMs;
        this.windowStartMs = nowMs - Math.floorMod(nowMs, windowMs);
        this.lastSeenMs = nowMs;
    }

    /**
     * Takes {@code samples} when the window has room; returns 0 when taken, else the milliseconds until enough
     * of the previous window has slid out (at least 1). A request larger than the whole limit is only admitted
     * into an empty window.
     */
    public long tryAcquire(final long samples, final long nowMs) {
        roll(nowMs);
        lastSeenMs = nowMs;
        final long elapsed = nowMs - windowStartMs;
        final double weight = 1.0 - (double) elapsed / windowMs;
        final double used = previous * weight + current;
        final boolean empty = used < 1.0;
        if (used + samples <= limit || empty) {
            current += samples;
            return 0;
        }
        // previous * (1 - (elapsed + wait)/window) + current + samples <= limit  => solve for wait
        final double excess = used + samples - limit;
        long waitMs;
        if (previous > 0 && excess <= previous * weight) {
            waitMs = (long) Math.ceil(excess * windowMs / previous);
        } else {
            waitMs = windowMs - elapsed + windowMs;
        }
        return Math.max(1, waitMs);
    }

    /** When this client last sent anything. */
    public long lastSeenMs() {
        return lastSeenMs;
    }

    private void roll(final long nowMs) {
        final long start = nowMs - Math.floorMod(nowMs, windowMs);
        if (start == windowStartMs) {
            return;
        }
        previous = start - windowStartMs == windowMs ? current : 0;
        current = 0;
        windowStartMs = start;
    }
}
