package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

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

    /** Writes a produce body for {@code batch} (its readable bytes). */
    public static void encode(final ByteBuf out, final String topic, final int partition, final int timeoutMs,
                              final ByteBuf batch) {
        WireWriter.string16(out, topic);
        out.writeInt(partition);
        out.writeInt(timeoutMs);
        out.writeInt(batch.readableBytes());
        out.writeBytes(batch, batch.readerIndex(), batch.readableBytes());
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
