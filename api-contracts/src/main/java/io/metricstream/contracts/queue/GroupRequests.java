package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * Bodies of the consumer-group requests. The broker assigns partitions itself (range assignment over
 * members sorted by id), so members never exchange assignments; each member learns its partitions from
 * the JOIN_GROUP and HEARTBEAT answers ({@link GroupAssignment}).
 * <pre>
 * JOIN_GROUP   string16 group, string16 memberId ("" = new member), string16 topic, int32 sessionTimeoutMs
 * HEARTBEAT    string16 group, string16 memberId, int32 generation
 * LEAVE_GROUP  string16 group, string16 memberId                                  (answer body empty)
 * CREATE_TOPIC string16 topic, int32 partitions                                   (answer body empty)
 * </pre>
 * A member that sends no heartbeat within its session timeout is removed and the group rebalances
 * (generation + 1). Heartbeats of a removed member fail with UNKNOWN_MEMBER: join again.
 */
public final class GroupRequests {
    private GroupRequests() {
    }

    /**
     * JOIN_GROUP body.
     *
     * @param group group id
     * @param memberId member id or ""
     * @param topic topic to consume
     * @param sessionTimeoutMs session timeout
     */
    public record Join(String group, String memberId, String topic, int sessionTimeoutMs) {
        /** Writes this body. */
        public void encode(final ByteBuf out) {
            WireWriter.string16(out, group);
            WireWriter.string16(out, memberId);
            WireWriter.string16(out, topic);
            out.writeInt(sessionTimeoutMs);
        }

        /** Decodes a body; {@code null} when malformed. */
        public static Join decode(final WireReader r) {
            final Join q = new Join(r.string16("group"), r.string16("memberId"), r.string16("topic"),
                r.int32("sessionTimeoutMs"));
            return r.expectEnd("join group") ? q : null;
        }
    }

    /**
     * HEARTBEAT body.
     *
     * @param group group id
     * @param memberId member id
     * @param generation generation the member knows
     */
    public record Heartbeat(String group, String memberId, int generation) {
        /** Writes this body. */
        public void encode(final ByteBuf out) {
            WireWriter.string16(out, group);
            WireWriter.string16(out, memberId);
            out.writeInt(generation);
        }

        /** Decodes a body; {@code null} when malformed. */
        public static Heartbeat decode(final WireReader r) {
            final Heartbeat q = new Heartbeat(r.string16("group"), r.string16("memberId"), r.int32("generation"));
            return r.expectEnd("heartbeat") ? q : null;
        }
    }

    /**
     * LEAVE_GROUP body.
     *
     * @param group group id
     * @param memberId member id
     */
    public record Leave(String group, String memberId) {
        /** Writes this body. */
        public void encode(final ByteBuf out) {
            WireWriter.string16(out, group);
            WireWriter.string16(out, memberId);
        }

        /** Decodes a body; {@code null} when malformed. */
        public static Leave decode(final WireReader r) {
            final Leave q = new Leave(r.string16("group"), r.string16("memberId"));
            return r.expectEnd("leave group") ? q : null;
        }
    }

    /**
     * CREATE_TOPIC body.
     *
     * @param topic topic name ({@code [a-zA-Z0-9._-]{1,200}}, not "." or "..")
     * @param partitions partition count (1 ..= 1024)
     */
    public record CreateTopic(String topic, int partitions) {
        /** Writes this body. */
        public void encode(final ByteBuf out) {
            WireWriter.string16(out, topic);
            out.writeInt(partitions);
        }

        /** Decodes a body; {@code null} when malformed. */
        public static CreateTopic decode(final WireReader r) {
            final CreateTopic q = new CreateTopic(r.string16("topic"), r.int32("partitions"));
            return r.expectEnd("create topic") ? q : null;
        }
    }
}
