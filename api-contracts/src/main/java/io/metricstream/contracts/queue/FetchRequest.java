package io.metricstream.contracts.queue;

import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * FETCH request body: read record batches of a partition from an offset.
 * <pre>
 *   string16 topic
 *   int32    partition
 *   int64    fetchOffset   first offset wanted
 *   int32    maxWaitMs     long-poll: wait up to this long for minBytes to be available (0 = answer at once)
 *   int32    minBytes      answer as soon as this many bytes are available
 *   int32    maxBytes      soft bound on the records returned
 * </pre>
 * Response body ({@link FetchResponse}):
 * <pre>
 *   int64    highWatermark    offset after the last record readable
 *   int64    logStartOffset   first offset still retained
 *   bytes32  records          zero or more COMPLETE record batches, in offset order; the first batch
 *                             contains fetchOffset (it may start before it: skip records below
 *                             fetchOffset). At most maxBytes, except that one batch is always returned
 *                             whole even when larger, so a consumer always makes progress.
 * </pre>
 * Error OFFSET_OUT_OF_RANGE when fetchOffset &lt; logStartOffset or &gt; highWatermark.
 *
 * @param topic topic name
 * @param partition partition
 * @param fetchOffset first offset wanted
 * @param maxWaitMs long-poll bound
 * @param minBytes bytes that end the wait
 * @param maxBytes soft bound on the answer
 */
public record FetchRequest(String topic, int partition, long fetchOffset, int maxWaitMs, int minBytes,
                           int maxBytes) {

    /** Writes this request's body. */
    public void encode(final ByteBuf out) {
        WireWriter.string16(out, topic);
        out.writeInt(partition);
        out.writeLong(fetchOffset);
        out.writeInt(maxWaitMs);
        out.writeInt(minBytes);
        out.writeInt(maxBytes);
    }

    /** Decodes a body; {@code null} when malformed (reason in {@code r.problem()}). */
    public static FetchRequest decode(final WireReader r) {
        final FetchRequest q = new FetchRequest(r.string16("topic"), r.int32("partition"), r.int64("fetchOffset"),
            r.int32("maxWaitMs"), r.int32("minBytes"), r.int32("maxBytes"));
        if (r.ok() && (q.maxWaitMs < 0 || q.minBytes < 0 || q.maxBytes < 0)) {
            r.fail("maxWaitMs, minBytes and maxBytes must be >= 0");
        }
        return r.expectEnd("fetch") ? q : null;
    }
}
