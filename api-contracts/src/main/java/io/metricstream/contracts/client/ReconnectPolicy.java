package io.metricstream.contracts.client;

/**
 * Exponential back-off between connection attempts: the first retry waits {@code initialDelayMs}, each
 * failure doubles the wait up to {@code maxDelayMs}, and a success resets it. While waiting, requests fail
 * fast with a retriable NETWORK error instead of queueing without bound.
 *
 * @param initialDelayMs first wait after a failure
 * @param maxDelayMs largest wait
 */
public record ReconnectPolicy(long initialDelayMs, long maxDelayMs) {
    /** 50 ms doubling up to 2 s. */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(50, 2_000);

    /** The wait after {@code failures} consecutive failed attempts (0 = none). */
    public long delayMs(final int failures) {
        if (failures <= 0) {
            return 0;
        }
        final int shift = Math.min(failures - 1, 30);
        return Math.min(maxDelayMs, initialDelayMs << shift);
    }
}
