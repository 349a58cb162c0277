package io.metricstream.storage.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.contracts.chunk.ChunkCorruptException;
import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.storage.chunk.SampleBuffer;
import io.metricstream.testsupport.AllocationAssert;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeadTest {
    private static final LabelSet CPU = LabelSet.of("__name__", "cpu", "host", "a");
    private final HeadMetrics metrics = new HeadMetrics(new MetricsRegistry());
    private final Head head = new Head(new HeadOptions(120, 7_200_000L, 60_000L, 3, 4, 16), metrics);

    private long[] timestamps(final LabelSet labels) {
        final SampleBuffer b = new SampleBuffer(16);
        head.registry().getOrCreate(labels, 120).samples(Long.MIN_VALUE, Long.MAX_VALUE, new ChunkReader(), b);
        final long[] out = new long[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.timestampAt(i);
        }
        return out;
    }

    @Test
    void shouldKeepOutOfOrderSamplesSortedWhenWithinWindow() {
        for (long t = 0; t < 300_000; t += 1_000) {
            head.append(CPU, t, t);
        }
        assertEquals(AppendStatus.APPENDED, head.append(CPU, 250_500, 1.0));
        assertEquals(AppendStatus.APPENDED, head.append(CPU, 299_999, 2.0));
        assertEquals(AppendStatus.APPENDED, head.append(CPU, 240_001, 3.0));
        final long[] ts = timestamps(CPU);
        assertEquals(303, ts.length);
        for (int i = 1; i < ts.length; i++) {
            assertTrue(ts[i] > ts[i - 1], "sorted at " + i);
        }
    }

    @Test
    void shouldRejectAndCountWhenOlderThanWindow() {
        head.append(CPU, 1_000_000, 1);
        assertEquals(AppendStatus.TOO_OLD, head.append(CPU, 1_000_000 - 60_001, 1));
        assertEquals(AppendStatus.APPENDED, head.append(CPU, 1_000_000 - 60_000, 1));
        assertEquals(1, metrics.tooOld());
        assertEquals(2, metrics.appended());
    }

    @Test
    void shouldDropDuplicateAndRejectConflictWhenTimestampRepeats() {
        head.append(CPU, 10, 1.5);
        head.append(CPU, 20, 2.5);
        assertEquals(AppendStatus.DUPLICATE, head.append(CPU, 10, 1.5));
        assertEquals(AppendStatus.CONFLICT, head.append(CPU, 10, 9.0));
        assertEquals(AppendStatus.DUPLICATE, head.append(CPU, 20, 2.5));
        assertEquals(2, metrics.duplicates());
        assertEquals(1, metrics.conflicts());
        assertArrayEquals(new long[] {10, 20}, timestamps(CPU));
    }

    @Test
    void shouldDetectDuplicatesInClosedChunksWhenReplayed() {
        for (long t = 0; t < 1000; t++) {
            head.append(CPU, t, t / 100.0);
        }
        for (long t = 950; t < 1000; t++) {
            assertEquals(AppendStatus.DUPLICATE, head.append(CPU, t, t / 100.0));
        }
        assertEquals(1000, timestamps(CPU).length);
    }

    @Test
    void shouldRejectNewSeriesWhenLimitsAreExceeded() {
        final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        final Logger logger = (Logger) LoggerFactory.getLogger(Head.class);
        logger.addAppender(warnings);
        try {
            rejectNewSeriesBeyondEachLimit();
        } finally {
            logger.detachAppender(warnings);
        }
        final List<String> lines = warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("5 labels, more than storage.max_labels_per_series=4"), lines.get(0));
        assertTrue(lines.get(1).contains("a label of 17 bytes, longer than storage.max_label_length=16"), lines.get(1));
        assertTrue(lines.get(2).contains("new series s4{} refused") && lines.get(2).contains("storage.max_series=3"),
            lines.get(2));
    }

    private void rejectNewSeriesBeyondEachLimit() {
        // limits of this head: 3 series, 4 labels per series, 16 bytes per label name or value; each reason counted
        f(LabelSet.of("__name__", "x", "a", "1", "b", "2", "c", "3", "d", "4"), 1, 0);
        f(LabelSet.of("__name__", "x", "a", "0123456789abcdefg"), 1, 1);
        f(LabelSet.of("__name__", "x", "a", "1", "b", "2", "c", "0123456789abcdef"), 1, 1);
        assertEquals(1, head.registry().size(), "exactly at both label limits: admitted");
        for (int i = 0; i < 2; i++) {
            appendRecord(LabelSet.of("__name__", "s" + i), 1);
        }
        appendRecord(LabelSet.of("__name__", "s4"), 1);
        assertEquals(3, head.registry().size());
        assertEquals(1, metrics.maxSeriesRejected());
        assertEquals(1, metrics.tooManyLabelsRejected());
        assertEquals(1, metrics.labelTooLongRejected());
    }

    private void f(final LabelSet labels, final int tooMany, final int tooLong) {
        appendRecord(labels, 1);
        assertEquals(tooMany, metrics.tooManyLabelsRejected(), labels.toString());
        assertEquals(tooLong, metrics.labelTooLongRejected(), labels.toString());
    }

    private void appendRecord(final LabelSet labels, final long ts) {
        final ByteBuf buf = Unpooled.buffer();
        try {
            final int keyLength = SeriesKeyCodec.encode(labels, buf);
            SampleRecordCodec.writeSample(buf, ts, 1.0);
            head.appendRecord(buf, 0, keyLength, keyLength, 16);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldRestoreEverySampleWhenCheckpointIsReloaded(@TempDir final Path dir)
        throws Exception {
        for (long t = 0; t < 500; t++) {
            head.append(CPU, t * 15_000, t % 7 == 0 ? Double.NaN : t / 100.0);
            head.append(LabelSet.of("__name__", "mem"), t * 15_000, t);
        }
        HeadCheckpoint.write(dir, head, Map.of(3, 42L));
        final Head restored = new Head(head.options(), new HeadMetrics(new MetricsRegistry()));
        assertEquals(Map.of(3, 42L), HeadCheckpoint.read(dir, restored));
        assertEquals(head.sampleCount(), restored.sampleCount());
        assertEquals(AppendStatus.DUPLICATE, restored.append(CPU, 499 * 15_000, 499 / 100.0));
        assertEquals(AppendStatus.APPENDED, restored.append(CPU, 500 * 15_000, 1));
    }

    @Test
    void shouldFailWithFileAndOffsetWhenCheckpointIsCorrupt(@TempDir final Path dir)
        throws Exception {
        head.append(CPU, 1, 1);
        HeadCheckpoint.write(dir, head, Map.of());
        final Path file = dir.resolve(HeadCheckpoint.FILE);
        final byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        final ChunkCorruptException e = assertThrows(ChunkCorruptException.class,
            () -> HeadCheckpoint.read(dir, new Head(head.options(), new HeadMetrics(new MetricsRegistry()))));
        assertEquals(file.toString(), e.source());
    }

    @Test
    void shouldFindSeriesByKeyBytesWhenHashesCollide() {
        final MemSeries a = head.registry().getOrCreate(CPU, 120);
        final ByteBuf key = Unpooled.buffer();
        try {
            final int n = SeriesKeyCodec.encode(CPU, key);
            assertNotNull(head.registry().find(SeriesKeyCodec.hash(key, 0, n), key, 0, n));
            assertNull(head.registry().find(SeriesKeyCodec.hash(key, 0, n) + 1, key, 0, n));
            assertEquals(a, head.registry().find(SeriesKeyCodec.hash(key, 0, n), key, 0, n));
        } finally {
            key.release();
        }
    }

    @Test
    void shouldAllocateOnlyChunkBytesWhenAppendingInSteadyState() {
        final MemSeries s = head.registry().getOrCreate(CPU, 120);
        final long[] t = {0};
        // a cut chunk (about 15..300 bytes per 120 samples) is the only allocation: bound it per sample
        final double perSample = AllocationAssert.bytesPerOperation(() -> head.append(s, t[0] += 15_000,
            Double.doubleToRawLongBits((t[0] % 10_000) / 100.0)), 20_000, 100_000);
        assertTrue(perSample < 4, "bytes per sample " + perSample);
    }

    @Test
    void shouldAllocateOnlyChunkBytesWhenAppendingRecordsFromTheQueue() {
        final ByteBuf buf = Unpooled.buffer(256);
        try {
            final int keyLength = SeriesKeyCodec.encode(CPU, buf);
            SampleRecordCodec.writeSample(buf, 0, 0);
            final long[] t = {0};
            final double perRecord = AllocationAssert.bytesPerOperation(() -> {
                buf.setLong(keyLength, t[0] += 15_000);
                buf.setLong(keyLength + 8, Double.doubleToRawLongBits((t[0] % 10_000) / 100.0));
                head.appendRecord(buf, 0, keyLength, keyLength, 16);
            }, 20_000, 100_000);
            assertTrue(perRecord < 4, "bytes per record " + perRecord);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldHoldEveryRecordSampleWhenRecordsComeFromDirectBufferAtOffset() {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final LabelSet[] series = new LabelSet[20];
        final List<TreeMap<Long, Long>> expected = new ArrayList<>();
        for (int s = 0; s < series.length; s++) {
            series[s] = LabelSet.of("__name__", "m" + s % 3, "host", "h" + s);
            expected.add(new TreeMap<>());
        }
        final long[] next = new long[series.length];
        final Head h = new Head(new HeadOptions(120, 7_200_000L, 60_000L, 1000, 8, 64), metrics);
        // a direct buffer has no array: the head copies key and value out of it, from any index
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        try {
            for (int r = 0; r < 2000; r++) {
                final int s = rnd.nextInt(series.length);
                buf.clear().writerIndex(rnd.nextInt(64));
                final int keyAt = buf.writerIndex();
                final int keyLength = SeriesKeyCodec.encode(series[s], buf);
                buf.writeZero(rnd.nextInt(4));
                final int valueAt = buf.writerIndex();
                final int samples = 1 + rnd.nextInt(12);
                for (int i = 0; i < samples; i++) {
                    next[s] += 1 + rnd.nextInt(30_000);
                    final long bits = rnd.nextBoolean() ? rnd.nextLong() : Double.doubleToRawLongBits(rnd.nextInt(999));
                    buf.writeLong(next[s]).writeLong(bits);
                    expected.get(s).put(next[s], bits);
                }
                h.appendRecord(buf, keyAt, keyLength, valueAt, samples * SampleRecordCodec.SAMPLE_LENGTH);
            }
        } finally {
            buf.release();
        }
        for (int s = 0; s < series.length; s++) {
            final SampleBuffer b = new SampleBuffer(16);
            h.registry().getOrCreate(series[s], 120).samples(Long.MIN_VALUE, Long.MAX_VALUE, new ChunkReader(), b);
            final TreeMap<Long, Long> want = expected.get(s);
            assertEquals(want.size(), b.size(), "series " + s);
            int i = 0;
            for (Map.Entry<Long, Long> e : want.entrySet()) {
                assertEquals(e.getKey(), b.timestampAt(i), "series " + s + " sample " + i);
                assertEquals(e.getValue(), b.valueBitsAt(i), "series " + s + " sample " + i);
                i++;
            }
        }
        assertEquals(series.length, h.registry().size());
    }
}
