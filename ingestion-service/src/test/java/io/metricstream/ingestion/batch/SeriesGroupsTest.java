package io.metricstream.ingestion.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.testsupport.AllocationAssert;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeriesGroupsTest {
    @Test
    void shouldWriteEachSeriesOnceWithItsSamplesInArrivalOrderWhenBatchesOfRandomSizesReuseTheGroups() {
        final long seed = Seeds.seed();
        System.err.println("SeriesGroupsTest seed " + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final SeriesGroups groups = new SeriesGroups();
        final ByteBuf keys = Unpooled.buffer();
        // batch sizes: a large one grows the table, small ones after it take the sparse clear path
        for (final int samples : new int[] {50, 20_000, 3, 1, 700, 5}) {
            final Map<String, List<long[]>> want = new LinkedHashMap<>();
            final int seriesPool = 1 + random.nextInt(Math.max(1, samples / 2));
            for (int i = 0; i < samples; i++) {
                final String name = "series_" + random.nextInt(seriesPool) + "{k=\"" + seriesPool + "\"}";
                keys.clear();
                final int at = random.nextInt(8);
                keys.writeZero(at).writeBytes(name.getBytes(StandardCharsets.UTF_8));
                final long ts = random.nextLong();
                final long bits = random.nextLong();
                final int length = keys.writerIndex() - at;
                groups.add(groups.series(keys, at, length, SeriesKeyCodec.hash(keys, at, length)), ts, bits);
                want.computeIfAbsent(ByteBufUtil.hexDump(keys, at, keys.writerIndex() - at), k -> new ArrayList<>())
                    .add(new long[] {ts, bits});
            }
            assertEquals(samples, groups.sampleCount(), "seed " + seed);
            assertEquals(want.size(), groups.seriesCount(), "seed " + seed);
            final ByteBuf out = Unpooled.buffer();
            final RecordBatchWriter writer = new RecordBatchWriter().begin(out);
            groups.writeTo(writer, out);
            final int length = writer.finish();
            assertEquals(length, out.readableBytes());
            assertEquals(RecordBatchDescriptor.HEADER_LENGTH + groups.recordBytes(), length, "exact size " + seed);
            final RecordBatchView view = new RecordBatchView().wrap(out, 0);
            assertEquals(DecodeStatus.OK, view.check(out.readableBytes(), 64 << 20), "seed " + seed);
            final Map<String, List<long[]>> got = new LinkedHashMap<>();
            final RecordBatchView.RecordCursor c = new RecordBatchView.RecordCursor().reset(view);
            while (c.next()) {
                final List<long[]> list = new ArrayList<>();
                for (int i = 0; i < SampleRecordCodec.sampleCount(c.valueLength()); i++) {
                    list.add(new long[] {SampleRecordCodec.timestampMs(c.buffer(), c.valueAt(), i),
                        c.buffer().getLong(c.valueAt() + i * 16 + 8)});
                }
                assertEquals(null, got.put(ByteBufUtil.hexDump(c.buffer(), c.keyAt(), c.keyLength()), list),
                    "one record per series, seed " + seed);
            }
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "first-seen order");
            for (final Map.Entry<String, List<long[]>> e : want.entrySet()) {
                final List<long[]> g = got.get(e.getKey());
                assertEquals(e.getValue().size(), g.size(), "seed " + seed);
                for (int i = 0; i < g.size(); i++) {
                    assertEquals(e.getValue().get(i)[0], g.get(i)[0], "seed " + seed);
                    assertEquals(e.getValue().get(i)[1], g.get(i)[1], "seed " + seed);
                }
            }
            out.release();
            groups.clear();
        }
    }

    @Test
    void shouldAllocateNothingPerSampleWhenGroupsAreReusedAfterWarmUp() {
        final int series = 500;
        final ByteBuf keys = Unpooled.buffer();
        final int[] keyAt = new int[series];
        for (int i = 0; i < series; i++) {
            keyAt[i] = keys.writerIndex();
            keys.writeBytes(("node_cpu{host=\"h" + i + "\",job=\"api\"}").getBytes(StandardCharsets.UTF_8));
        }
        final int[] keyLength = new int[series];
        for (int i = 0; i < series; i++) {
            keyLength[i] = (i + 1 < series ? keyAt[i + 1] : keys.writerIndex()) - keyAt[i];
        }
        final SeriesGroups groups = new SeriesGroups();
        final RecordBatchWriter writer = new RecordBatchWriter();
        final ByteBuf out = Unpooled.buffer(1 << 20);
        final int samples = 4 * series;
        final Runnable op = () -> {
            for (int i = 0; i < samples; i++) {
                final int s = i % series;
                final long hash = SeriesKeyCodec.hash(keys, keyAt[s], keyLength[s]);
                groups.add(groups.series(keys, keyAt[s], keyLength[s], hash), i, i);
            }
            out.clear();
            writer.begin(out);
            groups.writeTo(writer, out);
            writer.finish();
            groups.clear();
        };
        final double perOp = AllocationAssert.bytesPerOperation(op, 200, 1_000);
        assertTrue(perOp / samples < 1.0, "allocates " + perOp / samples + " bytes per sample");
    }

    @Test
    void shouldKeepArrivalOrderWhenRunsAndSingleSamplesOfSeriesInterleave() {
        final StagedSamples staged = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, 1, 100, 64);
        final int a = staged.keys().writerIndex();
        staged.keys().writeBytes("a".getBytes(StandardCharsets.US_ASCII));
        staged.endSeries(a);
        for (int i = 0; i < 5; i++) {
            staged.addSample(10 + i, 100 + i);
        }
        final int b = staged.keys().writerIndex();
        staged.keys().writeBytes("b".getBytes(StandardCharsets.US_ASCII));
        staged.endSeries(b);
        staged.addSample(20, 200);
        final SeriesGroups groups = new SeriesGroups();
        final int sa = groups.series(staged.keys(), a, 1, staged.seriesHash(0));
        final int sb = groups.series(staged.keys(), b, 1, staged.seriesHash(5));
        groups.addRun(sa, staged, 0, 2);
        // contiguous with a's run: extends its segment
        groups.addRun(sa, staged, 2, 1);
        groups.addRun(sb, staged, 5, 1);
        groups.add(sa, 13, 103);
        groups.addRun(sa, staged, 4, 1);
        assertEquals(6, groups.sampleCount());
        final ByteBuf out = Unpooled.buffer();
        final RecordBatchWriter writer = new RecordBatchWriter().begin(out);
        groups.writeTo(writer, out);
        assertEquals(RecordBatchDescriptor.HEADER_LENGTH + groups.recordBytes(), writer.finish());
        final RecordBatchView.RecordCursor c = new RecordBatchView.RecordCursor().reset(new RecordBatchView()
            .wrap(out, 0));
        final List<String> got = new ArrayList<>();
        while (c.next()) {
            final StringBuilder sb2 = new StringBuilder(c.buffer().toString(c.keyAt(), c.keyLength(),
                StandardCharsets.US_ASCII)).append(" ts=").append(c.timestampMs()).append(':');
            for (int i = 0; i < SampleRecordCodec.sampleCount(c.valueLength()); i++) {
                sb2.append(' ').append(SampleRecordCodec.timestampMs(c.buffer(), c.valueAt(), i)).append('=')
                    .append(c.buffer().getLong(c.valueAt() + i * 16 + 8));
            }
            got.add(sb2.toString());
        }
        assertEquals(List.of("a ts=10: 10=100 11=101 12=102 13=103 14=104", "b ts=20: 20=200"), got);
        out.release();
        staged.release();
    }
}
