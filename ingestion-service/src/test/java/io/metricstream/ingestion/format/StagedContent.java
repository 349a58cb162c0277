package io.metricstream.ingestion.format;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.wire.DecodeStatus;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Test helper: reads staged samples back as (labels, timestamp, value bits, partition). */
public final class StagedContent {
    /** One staged sample. */
    public record Row(LabelSet labels, long timestampMs, long valueBits, int partition) {
    }

    private StagedContent() {
    }

    /** A fresh staging for tests (unpooled heap buffers). */
    public static StagedSamples staging(final int partitions, final int maxSamples) {
        return new StagedSamples(UnpooledByteBufAllocator.DEFAULT, partitions, maxSamples);
    }

    /** Every staged sample, in order; fails when a key is not a canonical series key or its hash is not the key's. */
    public static List<Row> rows(final StagedSamples s) {
        final List<Row> out = new ArrayList<>();
        for (int i = 0; i < s.sampleCount(); i++) {
            final DecodeStatus st = SeriesKeyCodec.check(s.keys(), s.keyAt(i), s.keyLength(i));
            if (st != DecodeStatus.OK) {
                throw new AssertionError("staged key " + i + " is " + st);
            }
            if (s.seriesHash(i) != SeriesKeyCodec.hash(s.keys(), s.keyAt(i), s.keyLength(i))) {
                throw new AssertionError("staged series hash of sample " + i + " is not its key's hash");
            }
            out.add(new Row(SeriesKeyCodec.decode(s.keys(), s.keyAt(i), s.keyLength(i)), s.timestampMs(i),
                s.valueBits(i), s.partition(i)));
        }
        return out;
    }
}
