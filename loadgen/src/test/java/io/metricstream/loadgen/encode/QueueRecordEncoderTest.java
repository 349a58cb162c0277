package io.metricstream.loadgen.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.contracts.wire.Hashing;
import io.metricstream.loadgen.generate.SampleBatch;
import io.metricstream.loadgen.generate.SeriesCatalog;
import io.metricstream.testsupport.Seeds;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueRecordEncoderTest {
    @Test
    void shouldWriteValidBatchesOnTheSeriesPartitionWhenDecodedBack() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int trial = 0; trial < 100; trial++) {
            final SeriesCatalog c = Batches.catalog(rnd, 1 + rnd.nextInt(40));
            final SampleBatch b = Batches.batch(rnd, c, 1 + rnd.nextInt(300), true);
            final int partitions = 1 + rnd.nextInt(8);
            final Map<String, Integer> decodedCount = new HashMap<>();
            final long[] total = new long[1];
            new QueueRecordEncoder(c, partitions).encode(b, (partition, batch) -> {
                try {
                    final RecordBatchView view = new RecordBatchView().wrap(batch, batch.readerIndex());
                    assertEquals(DecodeStatus.OK, view.check(batch.readableBytes(), Integer.MAX_VALUE),
                        "seed=" + seed);
                    final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor().reset(view);
                    while (cursor.next()) {
                        final int keyAt = cursor.keyAt();
                        final int keyLength = cursor.keyLength();
                        assertEquals(DecodeStatus.OK, SeriesKeyCodec.check(batch, keyAt, keyLength));
                        final LabelSet labels = SeriesKeyCodec.decode(batch, keyAt, keyLength);
                        assertEquals(partition, Hashing.partitionFor(SeriesKeyCodec.hash(batch, keyAt, keyLength),
                            partitions), "seed=" + seed);
                        final int id = c.idOf(labels);
                        for (int s = 0; s < SampleRecordCodec.sampleCount(cursor.valueLength()); s++) {
                            final long ts = SampleRecordCodec.timestampMs(batch, cursor.valueAt(), s);
                            final long bits = Double.doubleToRawLongBits(
                                SampleRecordCodec.value(batch, cursor.valueAt(), s));
                            decodedCount.merge(id + "@" + ts + "=" + bits, 1, Integer::sum);
                            total[0]++;
                        }
                    }
                } finally {
                    batch.release();
                }
            });
            assertEquals(b.size(), total[0], "seed=" + seed);
            for (int i = 0; i < b.size(); i++) {
                final String key = b.seriesId(i) + "@" + b.timestampMs(i) + "="
                    + Double.doubleToRawLongBits(b.value(i));
                decodedCount.merge(key, -1, Integer::sum);
            }
            decodedCount.values().forEach(v -> assertEquals(0, v, "seed=" + seed));
        }
    }
}
