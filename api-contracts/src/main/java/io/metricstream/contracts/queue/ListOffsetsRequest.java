package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * LIST_OFFSETS request body.
 * <pre>
 *   string16 topic
 *   int32    partition
 *   int64    timestampMs   {@link #LATEST} (-1), {@link #EARLIEST} (-2), or a time: the first offset whose
 *                          record timestamp is >= it (the high watermark when none is)
 * </pre>
 * Response body: {@code int64 offset, int64 timestampMs} (the record's timestamp, -1 for LATEST/EARLIEST or
 * when not found).
 *
 * @param topic topic
 * @param partition partition
 * @param timestampMs time or sentinel
 */
public record ListOffsetsRequest(String topic, int partition, long timestampMs) {
    /** The next offset to be written (the high watermark). */
    public static final long LATEST = -1;
    /** The first retained offset (the log start offset). */
    public static final long EARLIEST = -2;

    /** Writes this request's body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, topic);
        out.writeInt(partition);
        out.writeLong(timestampMs);
    }

    /** Decodes a body; {@code null} when malformed. */
    public static ListOffsetsRequest decode(final WireReader r) {
        final ListOffsetsRequest q = new ListOffsetsRequest(r.string16("topic"), r.int32("partition"),
            r.int64("timestampMs"));
        return r.expectEnd("list offsets") ? q : null;
    }
}
