package io.metricstream.storage.head;

/**
 * The out-of-order acceptance rule: a sample older than its series' newest sample is accepted (and inserted in
 * order) when it is at most {@code windowMs} older; anything older is rejected as {@code too_old}. The window is
 * relative to each series' newest sample, never to the wall clock, so historical data (even 1970) is accepted
 * when it arrives in order. Immutable.
 *
 * @param windowMs the window in ms (0 = in-order only)
 */
public record OutOfOrderWindow(long windowMs) {
    /** Whether a sample at {@code tsMs} is acceptable for a series whose newest sample is {@code maxTsMs}. */
    public boolean accepts(final long tsMs, final long maxTsMs) {
        // unsigned: the distance of an older sample is in (0, 2^64), which a signed subtraction wraps past 2^63
        // (a sample near Long.MIN_VALUE behind a positive newest time was accepted)
        return tsMs >= maxTsMs || Long.compareUnsigned(maxTsMs - tsMs, windowMs) <= 0;
    }
}
