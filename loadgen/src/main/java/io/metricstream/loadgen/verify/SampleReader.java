package io.metricstream.loadgen.verify;

import io.metricstream.contracts.model.LabelSet;
import java.io.IOException;

/** Reads raw samples back from a platform. */
public interface SampleReader {
    /** Receives one raw sample. */
    @FunctionalInterface
    interface SampleVisitor {
        /** One sample of series {@code labels} (the same instance for consecutive samples of one series). */
        void onSample(LabelSet labels, long timestampMs, long valueBits);
    }

    /** Streams every raw sample of metric {@code metricName} with timestamp in [minMs, maxMs] to {@code visitor}. */
    void read(String metricName, long minMs, long maxMs, SampleVisitor visitor) throws IOException;
}
