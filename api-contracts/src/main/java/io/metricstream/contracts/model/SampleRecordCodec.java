package io.metricstream.contracts.model;

import io.netty.buffer.ByteBuf;

/**
 * The value of a sample record in topic {@code metrics.inbound}; the record key is the series key
 * ({@link SeriesKeyCodec}). One record carries one or more samples of that one series:
 * <pre>
 *   repeated (valueLength / 16) times:
 *     int64  timestampMs   epoch milliseconds (any value; negative means before 1970)
 *     int64  valueBits     IEEE-754 raw bits ({@link Double#doubleToRawLongBits}), so NaN payloads such as
 *                          the stale marker survive unchanged
 * </pre>
 * A valid value has a length that is a positive multiple of 16. Stateless; no allocation.
 */
public final class SampleRecordCodec {
    /** Bytes per sample in a record value. */
    public static final int SAMPLE_LENGTH = 16;

    private SampleRecordCodec() {
    }

    /** Appends one sample. */
    public static void writeSample(final ByteBuf out, final long timestampMs, final double value) {
        out.writeLong(timestampMs);
        out.writeLong(Double.doubleToRawLongBits(value));
    }

    /** Whether {@code valueLength} is a valid sample-record value length. */
    public static boolean isValidLength(final int valueLength) {
        return valueLength >= SAMPLE_LENGTH && valueLength % SAMPLE_LENGTH == 0;
    }

    /** Number of samples in a value of {@code valueLength} bytes. */
    public static int sampleCount(final int valueLength) {
        return valueLength / SAMPLE_LENGTH;
    }

    /** Timestamp of sample {@code i} of the value at absolute index {@code valueAt}. */
    public static long timestampMs(final ByteBuf buf, final int valueAt, final int i) {
        return buf.getLong(valueAt + i * SAMPLE_LENGTH);
    }

    /** Value of sample {@code i} of the value at absolute index {@code valueAt}. */
    public static double value(final ByteBuf buf, final int valueAt, final int i) {
        return Double.longBitsToDouble(buf.getLong(valueAt + i * SAMPLE_LENGTH + 8));
    }
}
