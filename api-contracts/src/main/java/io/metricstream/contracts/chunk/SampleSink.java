package io.metricstream.contracts.chunk;

/** Receives samples as primitives: {@code (timestampMs, raw value bits)}. */
@FunctionalInterface
public interface SampleSink {
    /** One sample. */
    void add(long timestampMs, long valueBits);
}
