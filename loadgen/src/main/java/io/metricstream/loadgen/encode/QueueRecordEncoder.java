package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.wire.Hashing;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Sample records for topic {@code metrics.inbound}, as ingestion writes them: one record per series per batch
 * (key = series key, value = its samples, {@link SampleRecordCodec}), one record batch per partition, partition =
 * {@code Hashing.partitionFor(hash64(seriesKey), P)}. Not thread-safe.
 */
public final class QueueRecordEncoder {
    /** Receives one finished record batch for a partition. */
    @FunctionalInterface
    public interface BatchSink {
        /** {@code batch} (readable bytes = one record batch) is owned by the sink, which must release it. */
        void onBatch(int partition, ByteBuf batch);
    }

    /** Sort keys pack (partition:11 bits, series id:32, sample index:20) into one long. */
    public static final int MAX_PARTITIONS = 1 << 11;
    /** Largest batch the sort key can index. */
    public static final int MAX_BATCH_SAMPLES = (1 << 20) - 1;

    private final SeriesCatalog catalog;
    private final int partitions;
    private final byte[][] keys;
    private final int[] partitionById;
    private final RecordBatchWriter writer = new RecordBatchWriter();
    private long[] order = new long[0];

    /** An encoder for {@code catalog}'s series over {@code partitions} partitions. */
    public QueueRecordEncoder(final SeriesCatalog catalog, final int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions: got " + partitions + "; want 1.." + MAX_PARTITIONS);
        }
        this.catalog = catalog;
        this.partitions = partitions;
        this.keys = new byte[catalog.size()][];
        this.partitionById = new int[catalog.size()];
    }

    /** Encodes {@code batch} into one record batch per partition it touches, in partition order. */
    public void encode(final SampleBatch batch, final BatchSink sink) {
        final int n = batch.size();
        if (n > MAX_BATCH_SAMPLES) {
            throw new IllegalArgumentException("batch too large for the queue encoder: got " + n + "; want <= "
                + MAX_BATCH_SAMPLES);
        }
        if (order.length < n) {
            order = new long[n];
        }
        for (int i = 0; i < n; i++) {
            final int id = batch.seriesId(i);
            key(id);
            order[i] = ((long) partitionById[id] << 52) | ((long) id << 20) | i;
        }
        Arrays.sort(order, 0, n);
        int k = 0;
        while (k < n) {
            final int partition = (int) (order[k] >>> 52);
            final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(n * 16 + 256);
            writer.begin(out);
            while (k < n && (int) (order[k] >>> 52) == partition) {
                final int id = (int) ((order[k] >>> 20) & 0xFFFFFFFFL);
                final int first = (int) (order[k] & 0xFFFFF);
                writer.beginRecord(batch.timestampMs(first));
                out.writeBytes(keys[id]);
                writer.endKey();
                while (k < n && (int) ((order[k] >>> 20) & 0xFFFFFFFFL) == id
                    && (int) (order[k] >>> 52) == partition) {
                    final int i = (int) (order[k] & 0xFFFFF);
                    SampleRecordCodec.writeSample(out, batch.timestampMs(i), batch.value(i));
                    k++;
                }
                writer.endRecord();
            }
            writer.finish();
            sink.onBatch(partition, out);
        }
    }

    private void key(final int id) {
        if (keys[id] == null) {
            final ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer(128);
            try {
                SeriesKeyCodec.encode(catalog.labels(id), b);
                final byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                keys[id] = bytes;
                partitionById[id] = Hashing.partitionFor(SeriesKeyCodec.hash(b, b.readerIndex(), bytes.length),
                    partitions);
            } finally {
                b.release();
            }
        }
    }
}
