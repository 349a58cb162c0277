package io.metricstream.queue.log;

/**
 * A point in a partition log: the offset after the last record covered, the segment holding it and the byte
 * position after that record's batch. Used for the written end and the high watermark. Immutable.
 *
 * @param offset offset after the last covered record
 * @param segment segment of the last covered batch
 * @param position byte position in {@code segment} after the last covered batch
 */
public record LogPosition(long offset, Segment segment, int position) {
}
