package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * PRODUCE request body: append one record batch to a partition.
 * <pre>
 *   string16 topic
 *   int32    partition
 *   int32    timeoutMs      how long the broker may take to make the batch durable per its fsync policy
 *   bytes32  batch          one record batch (docs/format/record-batch.md); its baseOffset is ignored
 * </pre>
 * Response body: {@code int64 baseOffset} (offset given to the batch's first record). The ack means what the
 * partition's fsync policy says (per-batch fsync, group commit, or page cache).
 *
 * @param topic topic name
 * @param partition partition index
 * @param timeoutMs time budget for the append
 * @param batchAt absolute index of the batch inside the decoded frame (decode only)
 * @param batchLength length of the batch in bytes (decode only)
 */
public record ProduceRequest(String topic, int partition, int timeoutMs, int batchAt, int batchLength) {

    /** Bytes of the body before the batch besides the topic: partition, timeoutMs and the batch length. */
    public static final int FIXED_HEADER_LENGTH = 4 + 4 + 4;

    /** Writes a produce body for {@code batch} (its readable bytes). */
    public static void encode(final ByteBuf out, final String topic, final int partition, final int timeoutMs,
                              final ByteBuf batch) {
        WireWriter.string16(out, topic);
        out.writeInt(partition);
        out.writeInt(timeoutMs);
        out.writeInt(batch.readableBytes());
        out.writeBytes(batch, batch.readerIndex(), batch.readableBytes());
    }

    /**
     * The {@code string16} encoding of {@code topic} (length and UTF-8 bytes), for a producer to keep and pass to
     * {@link #encodeHeader} instead of encoding the same topic on every produce.
     */
    public static byte[] topicString16(final String topic) {
        final ByteBuf buf = Unpooled.buffer(2 + topic.length() * 3);
        try {
            WireWriter.string16(buf, topic);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /**
     * Writes the body up to the batch bytes ({@code topicString16.length + FIXED_HEADER_LENGTH} bytes); the caller
     * sends the {@code batchLength} bytes of the batch right after them, so they need not be copied.
     */
    public static void encodeHeader(final ByteBuf out, final byte[] topicString16, final int partition,
                                    final int timeoutMs, final int batchLength) {
        out.writeBytes(topicString16);
        out.writeInt(partition);
        out.writeInt(timeoutMs);
        out.writeInt(batchLength);
    }

    /** Decodes a body; returns {@code null} and leaves the reason in {@code r.problem()} when malformed. */
    public static ProduceRequest decode(final WireReader r) {
        final String topic = r.string16("topic");
        final int partition = r.int32("partition");
        final int timeoutMs = r.int32("timeoutMs");
        final int batchAt = r.bytes32("batch");
        final int batchLength = r.lastLength();
        return r.expectEnd("produce") ? new ProduceRequest(topic, partition, timeoutMs, batchAt, batchLength) : null;
    }
}
