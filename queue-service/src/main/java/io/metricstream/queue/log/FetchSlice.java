package io.metricstream.queue.log;

/**
 * A byte range of whole record batches in one segment, ready to be transferred (zero-copy) or read.
 * Immutable; the segment's bytes in the range never change.
 *
 * @param segment the segment, or {@code null} when {@code length} is 0
 * @param position first byte
 * @param length bytes (0 = nothing available)
 * @param highWatermark offset after the last readable record when the slice was taken
 * @param logStartOffset first retained offset when the slice was taken
 */
public record FetchSlice(Segment segment, int position, int length, long highWatermark, long logStartOffset) {
}
