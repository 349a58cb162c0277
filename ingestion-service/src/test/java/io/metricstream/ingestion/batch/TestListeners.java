package io.metricstream.ingestion.batch;

/** {@link PartitionBatcher.Listener}s for tests and benches. */
public final class TestListeners {
    /** Ignores every event. */
    public static final PartitionBatcher.Listener QUIET = listener(false);
    /** Ignores sends and acks; a failed produce throws (a bench whose sink never fails). */
    public static final PartitionBatcher.Listener FAIL_ON_FAILURE = listener(true);

    private TestListeners() {
    }

    private static PartitionBatcher.Listener listener(final boolean throwOnFailure) {
        return new PartitionBatcher.Listener() {
            @Override
            public void onSent(final int partition, final int bytes, final int records, final int samples) {
            }

            @Override
            public void onAcked(final int partition, final long latencyNs) {
            }

            @Override
            public void onFailed(final int partition, final Throwable cause) {
                if (throwOnFailure) {
                    throw new IllegalStateException(cause);
                }
            }
        };
    }
}
