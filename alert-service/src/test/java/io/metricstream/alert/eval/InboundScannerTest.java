package io.metricstream.alert.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InboundScannerTest {
    private static void record(RecordBatchWriter w, ByteBuf out, LabelSet labels, long ts, double... values) {
        w.beginRecord(ts);
        SeriesKeyCodec.encode(labels, out);
        w.endKey();
        for (double v : values) {
            SampleRecordCodec.writeSample(out, ts, v);
        }
        w.endRecord();
    }

    @Test
    void shouldHandOnlyInterestingSamplesWhenScanningBatches() {
        final ByteBuf buf = Unpooled.buffer();
        try {
            final RecordBatchWriter w = new RecordBatchWriter().begin(buf);
            record(w, buf, LabelSet.of("__name__", "cpu_usage", "host", "a"), 1000, 95, 96);
            record(w, buf, LabelSet.of("__name__", "mem_bytes", "host", "a"), 1000, 1);
            record(w, buf, LabelSet.of("Zone", "z", "__name__", "cpu_usage"), 1001, 97);
            w.finish();
            final List<String> seen = new ArrayList<>();
            final long cpu = InboundScanner.nameHash("cpu_usage");
            final InboundScanner s = new InboundScanner(h -> h == cpu,
                (labels, ts, v) -> seen.add(labels.get("host") + "/" + labels.get("Zone") + "@" + ts + "=" + v));
            assertEquals(3, s.scan(buf, 0));
            assertEquals(List.of("a/null@1000=95.0", "a/null@1000=96.0", "null/z@1001=97.0"), seen);
            assertEquals(3, s.records());
            seen.clear();
            assertEquals(3, s.scan(buf, 2), "records below the fetch offset are skipped");
            assertEquals(List.of("null/z@1001=97.0"), seen);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldStopAtTruncatedBatchWhenBytesAreTorn() {
        final ByteBuf buf = Unpooled.buffer();
        try {
            final RecordBatchWriter w = new RecordBatchWriter().begin(buf);
            record(w, buf, LabelSet.of("__name__", "cpu_usage"), 1, 1);
            w.finish();
            final ByteBuf torn = buf.slice(0, buf.readableBytes() - 3);
            final InboundScanner s = new InboundScanner(n -> true, (l, t, v) -> {
                throw new AssertionError("no sample from a torn batch");
            });
            assertEquals(7, s.scan(torn, 7));
        } finally {
            buf.release();
        }
    }
}
