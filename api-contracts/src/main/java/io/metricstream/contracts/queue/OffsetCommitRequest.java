package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * OFFSET_COMMIT request body: durably record that {@code group} has processed everything before
 * {@code offset} of a partition (the committed offset is the NEXT offset to consume, as in Kafka).
 * <pre>
 *   string16 group
 *   string16 memberId     "" for a standalone commit (no membership check)
 *   int32    generation   -1 for a standalone commit; otherwise must equal the group's generation and the
 *                         partition must be assigned to memberId, else ILLEGAL_GENERATION / UNKNOWN_MEMBER
 *   string16 topic
 *   int32    partition
 *   int64    offset
 * </pre>
 * Response body: empty. The ack means the offset is on disk (fsynced).
 *
 * @param group consumer group
 * @param memberId member, or ""
 * @param generation generation, or -1
 * @param topic topic
 * @param partition partition
 * @param offset next offset to consume
 */
public record OffsetCommitRequest(String group, String memberId, int generation, String topic, int partition,
                                  long offset) {

    /** Writes this request's body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, group);
        WireWriter.string16(out, memberId);
        out.writeInt(generation);
        WireWriter.string16(out, topic);
        out.writeInt(partition);
        out.writeLong(offset);
    }

    /** Decodes a body; {@code null} when malformed. */
    public static OffsetCommitRequest decode(final WireReader r) {
        final OffsetCommitRequest q = new OffsetCommitRequest(r.string16("group"), r.string16("memberId"),
            r.int32("generation"), r.string16("topic"), r.int32("partition"), r.int64("offset"));
        return r.expectEnd("offset commit") ? q : null;
    }
}
