package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * One topic in a METADATA answer. METADATA request body: {@code string16 topic} ("" = all topics).
 * Response body: {@code int32 count}, then per topic {@code string16 name, int32 partitions}.
 * Error UNKNOWN_TOPIC when a named topic does not exist.
 *
 * @param name topic name
 * @param partitions partition count
 */
public record TopicMetadata(String name, int partitions) {
    /** Largest topic count a METADATA answer may declare (bounds decoding). */
    public static final int MAX_TOPICS = 100_000;

    /** Writes a METADATA answer body. */
    public static void encodeList(final ByteBuf out, final List<TopicMetadata> topics) {
        out.writeInt(topics.size());
        for (final TopicMetadata t : topics) {
            WireWriter.string16(out, t.name);
            out.writeInt(t.partitions);
        }
    }

    /** Decodes a METADATA answer body; {@code null} when malformed. */
    public static List<TopicMetadata> decodeList(final WireReader r) {
        final int count = r.int32("count");
        if (count < 0 || count > MAX_TOPICS || count > r.remaining() / 6) {
            r.fail("bad topic count " + count);
            return null;
        }
        final List<TopicMetadata> topics = new ArrayList<>(count);
        for (int i = 0; i < count && r.ok(); i++) {
            topics.add(new TopicMetadata(r.string16("name"), r.int32("partitions")));
        }
        return r.expectEnd("metadata") ? topics : null;
    }
}
