package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * JOIN_GROUP and HEARTBEAT answer body:
 * <pre>
 *   string16 memberId
 *   int32    generation
 *   int32    count
 *   int32    partitions[count]   the partitions assigned to this member in this generation, ascending
 * </pre>
 *
 * @param memberId the member's id
 * @param generation the group's generation
 * @param partitions assigned partitions, ascending
 */
public record GroupAssignment(String memberId, int generation, int[] partitions) {
    /** Largest partition count an answer may declare (bounds decoding). */
    public static final int MAX_PARTITIONS = 1024;

    /** Writes this body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, memberId);
        out.writeInt(generation);
        out.writeInt(partitions.length);
        for (final int p : partitions) {
            out.writeInt(p);
        }
    }

    /** Decodes a body; {@code null} when malformed. */
    public static GroupAssignment decode(final WireReader r) {
        final String memberId = r.string16("memberId");
        final int generation = r.int32("generation");
        final int count = r.int32("count");
        if (!r.ok() || count < 0 || count > MAX_PARTITIONS || count * 4 > r.remaining()) {
            r.fail("bad partition count " + count);
            return null;
        }
        final int[] partitions = new int[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = r.int32("partition");
        }
        return r.expectEnd("group assignment") ? new GroupAssignment(memberId, generation, partitions) : null;
    }
}
