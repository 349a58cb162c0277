package io.metricstream.loadgen.encode;

import io.metricstream.loadgen.generate.SampleBatch;
import io.netty.buffer.ByteBuf;

/**
 * Encodes a batch of samples into one request body. Bound to one {@link io.metricstream.loadgen.generate.SeriesCatalog}
 * whose per-series prefixes it caches. Not thread-safe: one per encoding thread.
 */
public interface BodyEncoder {
    /** Appends the body for {@code batch} to {@code out}. */
    void encode(SampleBatch batch, ByteBuf out);
}
