package io.metricstream.contracts.model;

/**
 * Prometheus's stale marker: a NaN with a specific bit pattern that ends a series for queries.
 * It must be compared by bits, never with {@code ==} or {@link Double#isNaN}.
 */
public final class StaleMarker {
    /** The raw bits Prometheus writes for a stale sample ({@code value.StaleNaN}). */
    public static final long BITS = 0x7ff0000000000002L;
    /** The stale marker as a double; keep it as bits when copying ({@link Double#doubleToRawLongBits}). */
    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleMarker() {
    }

    /** Returns whether {@code value} carries exactly the stale-marker bits. */
    public static boolean isStale(final double value) {
        return Double.doubleToRawLongBits(value) == BITS;
    }
}
