package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * OFFSET_FETCH request body: {@code string16 group, string16 topic, int32 partition}.
 * Response body: {@code int64 offset} — the committed next offset, or {@link #NONE} (-1) when the group
 * never committed for that partition.
 *
 * @param group consumer group
 * @param topic topic
 * @param partition partition
 */
public record OffsetFetchRequest(String group, String topic, int partition) {
    /** No offset committed. */
    public static final long NONE = -1;

    /** Writes this request's body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, group);
        WireWriter.string16(out, topic);
        out.writeInt(partition);
    }

    /** Decodes a body; {@code null} when malformed. */
    public static OffsetFetchRequest decode(final WireReader r) {
        final OffsetFetchRequest q = new OffsetFetchRequest(r.string16("group"), r.string16("topic"),
            r.int32("partition"));
        return r.expectEnd("offset fetch") ? q : null;
    }
}
