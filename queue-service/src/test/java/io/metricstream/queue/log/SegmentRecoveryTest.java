package io.metricstream.queue.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.queue.TestBatches;
import io.metricstream.testsupport.FaultyFileChannel;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class SegmentRecoveryTest {
    @TempDir
    Path dir;

    private static final LogOptions OPTIONS = LogOptions.defaults().withSegmentBytes(8192).withIndexIntervalBytes(300);

    private PartitionLog open() throws IOException {
        return PartitionLog.open(dir, OPTIONS, SegmentFiles.DEFAULT, System::currentTimeMillis, null);
    }

    /** Appends batches; returns the offsets after each batch. */
    private List<Long> fill(final int batches, final int maxValueBytes, final SplittableRandom random)
        throws IOException {
        final List<Long> ends = new ArrayList<>();
        try (PartitionLog log = open()) {
            for (int i = 0; i < batches; i++) {
                final int records = 1 + random.nextInt(5);
                final int valueBytes = 1 + random.nextInt(maxValueBytes);
                PartitionLogTest.append(log, TestBatches.batch(records, valueBytes, 1_000 + i * 100L));
                ends.add(log.highWatermark());
            }
        }
        return ends;
    }

    /** Checks every batch below {@code end} reads back valid and in order. */
    private static void assertReadable(final PartitionLog log, final long end) throws IOException {
        long offset = log.logStartOffset();
        while (offset < end) {
            final FetchSlice slice = log.read(offset, 1);
            assertTrue(slice.length() > 0, "offset " + offset + " readable");
            final ByteBuf b = Unpooled.buffer(slice.length());
            try {
                slice.segment().read(b, slice.position(), slice.length());
                final RecordBatchView view = new RecordBatchView().wrap(b, 0);
                assertEquals(DecodeStatus.OK, view.check(b.readableBytes(), 1 << 20));
                assertEquals(offset, view.baseOffset());
                offset = view.nextOffset();
            } finally {
                b.release();
            }
        }
        assertEquals(end, offset);
    }

    private Segment last(final PartitionLog log) {
        return log.segments().getLast();
    }

    @Test
    void shouldTruncateToLastValidBatchWhenCutAtEveryByteOfLastBatch() throws IOException {
        final long seed = Seeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Long> ends = fill(6 + random.nextInt(10), 60, random);
        final long before = ends.size() > 1 ? ends.get(ends.size() - 2) : 0;
        final Path logFile;
        final int lastStart;
        try (PartitionLog log = open()) {
            logFile = last(log).logPath();
            lastStart = last(log).positionOf(before, last(log).sizeBytes());
        }
        final byte[] original = Files.readAllBytes(logFile);
        assertTrue(lastStart < original.length, "seed=" + seed);
        for (int cut = lastStart; cut < original.length; cut++) {
            Files.write(logFile, java.util.Arrays.copyOf(original, cut));
            try (PartitionLog log = open()) {
                final String where = "seed=" + seed + " cut=" + cut;
                final long expectedEnd = cut == 0 && lastStart == 0 ? last(log).baseOffset() : before;
                assertEquals(Math.max(expectedEnd, last(log).baseOffset()), log.highWatermark(), where);
                assertEquals(lastStart, Files.size(logFile), where);
                assertReadable(log, log.highWatermark());
                final long next = PartitionLogTest.append(log, TestBatches.batch(1, 5, 1));
                assertEquals(log.highWatermark() - 1, next, where);
            }
        }
        Files.write(logFile, original);
        try (PartitionLog log = open()) {
            assertEquals(ends.getLast(), log.highWatermark());
        }
    }

    /** Named corruptions of a log of closed segments and one active segment (Prometheus's repair table). */
    enum Corruption {
        TORN_LAST_BATCH, BAD_CRC, ZEROED_INDEX_TAIL, MISSING_INDEX, GARBAGE_AFTER_LAST_BATCH
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void shouldRecoverEveryAckedBatchBeforeTheDamageWhenCorrupted(final Corruption corruption) throws IOException {
        final List<Long> ends = fill(60, 120, new SplittableRandom(42));
        final Path activeLog;
        final Path closedIndex;
        final Path closedTimeIndex;
        final long lastBatchStart = ends.get(ends.size() - 2);
        try (PartitionLog log = open()) {
            assertTrue(log.segments().size() >= 3, "need closed segments");
            activeLog = last(log).logPath();
            closedIndex = log.segments().get(1).offsetIndex().path();
            closedTimeIndex = log.segments().get(1).timeIndex().path();
            assertTrue(log.segments().get(1).offsetIndex().entries() > 2);
        }
        final long expectedEnd = switch (corruption) {
            case TORN_LAST_BATCH -> {
                withFile(activeLog, ch -> truncate(ch, size(ch) - 7));
                yield lastBatchStart;
            }
            case BAD_CRC -> {
                withFile(activeLog, ch -> flipByte(ch, size(ch) - 3));
                yield lastBatchStart;
            }
            case ZEROED_INDEX_TAIL -> {
                withFile(closedIndex, ch -> zero(ch, size(ch) - 16, 16));
                yield ends.getLast();
            }
            case MISSING_INDEX -> {
                Files.delete(closedIndex);
                Files.delete(closedTimeIndex);
                yield ends.getLast();
            }
            case GARBAGE_AFTER_LAST_BATCH -> {
                withFile(activeLog, ch -> garbage(ch, size(ch), 77));
                yield ends.getLast();
            }
        };
        try (PartitionLog log = open()) {
            assertEquals(expectedEnd, log.highWatermark(), corruption.name());
            assertReadable(log, expectedEnd);
            final long[] out = new long[2];
            log.offsetForTimestamp(1_000 + 30 * 100L, out);
            assertEquals(ends.get(29), out[0], "time index after " + corruption);
            assertTrue(Files.exists(closedIndex) && Files.exists(closedTimeIndex), "index rebuilt");
            assertEquals(expectedEnd, PartitionLogTest.append(log, TestBatches.batch(1, 5, 1)));
        }
    }

    @ParameterizedTest
    @EnumSource(FaultyFileChannel.Fault.class)
    void shouldLeaveWrittenBatchesIntactWhenWriteFails(final FaultyFileChannel.Fault fault) throws IOException {
        final ByteBuf sample = TestBatches.batch(3, 50, 1);
        final int batchBytes = sample.readableBytes();
        sample.release();
        final SegmentFiles.ChannelFactory faulty = path -> new FaultyFileChannel(SegmentFiles.DEFAULT.open(path),
            3L * batchBytes + batchBytes / 2, fault);
        try (PartitionLog log = PartitionLog.open(dir, OPTIONS, faulty, System::currentTimeMillis, null)) {
            for (int i = 0; i < 3; i++) {
                PartitionLogTest.append(log, TestBatches.batch(3, 50, 1));
            }
            final ByteBuf fourth = TestBatches.batch(3, 50, 1);
            assertThrows(IOException.class, () -> log.append(fourth, 0, fourth.readableBytes()));
            fourth.release();
            assertEquals(9, log.logEndOffset());
            assertEquals(3L * batchBytes, Files.size(last(log).logPath()), "torn bytes truncated");
        }
        try (PartitionLog log = open()) {
            assertEquals(0, log.recovery().invalidBytes());
            assertEquals(9, log.highWatermark());
            assertReadable(log, 9);
        }
    }

    @Test
    void shouldTellCorruptionWhenInspectingDamagedSegment() throws IOException {
        fill(5, 120, new SplittableRandom(7));
        final Path file = SegmentFiles.log(dir, 0);
        withFile(file, ch -> flipByte(ch, size(ch) - 2));
        final StringBuilder out = new StringBuilder();
        io.metricstream.queue.tool.SegmentInspector.inspect(file, out);
        assertTrue(out.toString().contains("verdict=BAD_CRC"), out.toString());
        final StringBuilder index = new StringBuilder();
        io.metricstream.queue.tool.SegmentInspector.inspect(SegmentFiles.timeIndex(dir, 0), index);
        assertNotEquals(-1, index.indexOf("entries="));
    }

    private interface FileAction {
        void apply(FileChannel ch) throws IOException;
    }

    private static void withFile(final Path path, final FileAction action) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            action.apply(ch);
        }
    }

    private static long size(final FileChannel ch) throws IOException {
        return ch.size();
    }

    private static void truncate(final FileChannel ch, final long size) throws IOException {
        ch.truncate(size);
    }

    private static void flipByte(final FileChannel ch, final long at) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ 0x5A));
        b.rewind();
        ch.write(b, at);
    }

    private static void zero(final FileChannel ch, final long at, final int length) throws IOException {
        ch.write(ByteBuffer.allocate(length), at);
    }

    private static void garbage(final FileChannel ch, final long at, final int length) throws IOException {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) 0xAB);
        ch.write(ByteBuffer.wrap(bytes), at);
    }

}
