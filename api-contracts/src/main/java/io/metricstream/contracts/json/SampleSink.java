package io.metricstream.contracts.json;

/**
 * Receives each valid sample of a body from {@link SeedJsonCodec#parse}, in body order. Arguments are valid only
 * during the call: {@code labels} is the codec's scratch instance, refilled for the next sample, so a sink that
 * keeps labels copies them ({@link MutableLabels#toLabelSet}).
 */
@FunctionalInterface
public interface SampleSink {
    /**
     * Called once per valid sample.
     *
     * @param metricName a valid Prometheus metric name
     * @param labels the sample's labels without {@code __name__}, sorted by name, names unique, values non-empty
     * @param timestampMs epoch milliseconds
     * @param value the value; NaN is always the canonical {@link Double#NaN}
     * @param clientIdOrNull the {@code client_id}, or {@code null} when absent or empty
     */
    void sample(CharSequence metricName, MutableLabels labels, long timestampMs, double value,
                CharSequence clientIdOrNull);
}
