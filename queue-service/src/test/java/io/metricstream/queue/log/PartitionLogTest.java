package io.metricstream.queue.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.queue.TestBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PartitionLogTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private PartitionLog open(final LogOptions options) throws IOException {
        return PartitionLog.open(dir, options, SegmentFiles.DEFAULT, clock::get, null);
    }

    static long append(final PartitionLog log, final ByteBuf batch) throws IOException {
        try {
            assertEquals(AppendStatus.OK, log.append(batch, 0, batch.readableBytes()));
            log.publishHighWatermark(log.flushWritten());
            return log.lastBaseOffset();
        } finally {
            batch.release();
        }
    }

    @Test
    void shouldRollSegmentWhenNextBatchExceedsSegmentBytes() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withSegmentBytes(4096))) {
            for (int i = 0; i < 20; i++) {
                append(log, TestBatches.batch(3, 300, 1000 + i));
            }
            assertTrue(log.segments().size() >= 5, "segments=" + log.segments().size());
            for (final Segment s : log.segments()) {
                assertTrue(s.sizeBytes() <= 4096, "segment bytes " + s.sizeBytes());
                assertTrue(Files.exists(SegmentFiles.log(dir, s.baseOffset())));
            }
            assertEquals(60, log.highWatermark());
            final Segment second = log.segments().get(1);
            assertEquals(log.segments().get(0).nextOffset(), second.baseOffset());
            assertEquals(second.baseOffset(), SegmentFiles.baseOffsetOf(second.logPath().getFileName().toString()));
        }
    }

    @Test
    void shouldRollSegmentWhenSegmentMsPassed() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withSegmentMs(1000))) {
            append(log, TestBatches.batch(1, 10, 1));
            append(log, TestBatches.batch(1, 10, 2));
            assertEquals(1, log.segments().size());
            clock.addAndGet(1000);
            append(log, TestBatches.batch(1, 10, 3));
            assertEquals(2, log.segments().size());
            assertEquals(2, log.segments().get(1).baseOffset());
        }
    }

    @Test
    void shouldReadBatchContainingEveryOffsetWhenIndexIsSparse() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withSegmentBytes(16 << 10).withIndexIntervalBytes(256))) {
            for (int i = 0; i < 200; i++) {
                append(log, TestBatches.batch(1 + i % 4, 50, 10_000 + i * 10L));
            }
            final long end = log.highWatermark();
            assertTrue(log.segments().size() > 1);
            assertTrue(log.segments().get(0).offsetIndex().entries() > 10);
            for (long offset = 0; offset < end; offset++) {
                final FetchSlice slice = log.read(offset, 1);
                final ByteBuf bytes = Unpooled.buffer(slice.length());
                try {
                    slice.segment().read(bytes, slice.position(), slice.length());
                    final RecordBatchView view = new RecordBatchView().wrap(bytes, 0);
                    assertEquals(DecodeStatus.OK, view.check(bytes.readableBytes(), 1 << 20));
                    assertEquals(slice.length(), view.totalLength(), "exactly one batch for maxBytes=1");
                    assertTrue(view.baseOffset() <= offset && offset < view.nextOffset(), "offset " + offset);
                } finally {
                    bytes.release();
                }
            }
            assertEquals(0, log.read(end, 100).length());
        }
    }

    @Test
    void shouldReturnWholeBatchesUpToMaxBytesWhenFetching() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults())) {
            int one = 0;
            for (int i = 0; i < 10; i++) {
                final ByteBuf b = TestBatches.batch(2, 100, i);
                one = b.readableBytes();
                append(log, b);
            }
            assertEquals(3 * one, log.read(0, 3 * one + one / 2).length());
            assertEquals(10 * one, log.read(0, 1 << 20).length());
            assertEquals(one, log.read(19, 0).length());
        }
    }

    @Test
    void shouldFindFirstOffsetAtOrAfterTimestampWhenTimeIndexed() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withSegmentBytes(8192).withIndexIntervalBytes(200))) {
            for (int i = 0; i < 100; i++) {
                append(log, TestBatches.batch(2, 40, 1000 + i * 10L));
            }
            final long[] out = new long[2];
            for (int i = 0; i < 100; i++) {
                log.offsetForTimestamp(1000 + i * 10L, out);
                assertEquals(2L * i, out[0], "ts " + (1000 + i * 10L));
                assertEquals(1000 + i * 10L, out[1]);
                log.offsetForTimestamp(1000 + i * 10L + 1, out);
                assertEquals(2L * i + 1, out[0]);
            }
            log.offsetForTimestamp(0, out);
            assertEquals(0, out[0]);
            log.offsetForTimestamp(1_000_000, out);
            assertEquals(200, out[0]);
            assertEquals(-1, out[1]);
        }
    }

    @Test
    void shouldDeleteOldestSegmentsWhenRetentionBytesExceeded() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withSegmentBytes(2048).withRetention(6000, -1))) {
            for (int i = 0; i < 30; i++) {
                append(log, TestBatches.batch(1, 400, i));
            }
            final int before = log.segments().size();
            final Path first = log.segments().get(0).logPath();
            final int deleted = log.applyRetention(clock.get());
            assertTrue(deleted > 0);
            assertEquals(before - deleted, log.segments().size());
            assertTrue(log.totalBytes() < 6000 + 2048, "bytes " + log.totalBytes());
            assertEquals(log.segments().get(0).baseOffset(), log.logStartOffset());
            assertTrue(Files.notExists(first));
            assertEquals(0, log.read(0, 100).length(), "below log start");
            assertTrue(log.read(log.logStartOffset(), 100).length() > 0);
        }
    }

    @Test
    void shouldDeleteSegmentsLastAppendedLongerAgoThanRetentionMsWhateverTheirRecordTimestamps() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withRetention(-1, 10_000))) {
            // history: records timestamped 2024-01-01 (or the epoch), appended now; they are not old for the queue
            append(log, TestBatches.batch(2, 10, 1_704_067_200_000L));
            log.rollNow();
            clock.addAndGet(5_000);
            append(log, TestBatches.batch(2, 10, 0));
            log.rollNow();
            append(log, TestBatches.batch(2, 10, clock.get()));
            assertEquals(3, log.segments().size());
            assertEquals(0, log.applyRetention(clock.get()), "appended 5 s and 0 s ago: kept");
            clock.addAndGet(5_001);
            assertEquals(1, log.applyRetention(clock.get()), "the first, appended 10,001 ms ago, goes");
            assertEquals(2, log.logStartOffset());
            clock.addAndGet(5_000);
            assertEquals(1, log.applyRetention(clock.get()));
            assertEquals(4, log.logStartOffset());
            assertEquals(0, log.applyRetention(clock.get()), "the active segment is never deleted");
        }
    }

    @Test
    void shouldAgeReopenedSegmentsByTheirFilesLastModificationAfterARestart() throws IOException {
        final LogOptions options = LogOptions.defaults().withRetention(-1, 10_000);
        clock.set(System.currentTimeMillis());
        try (PartitionLog log = open(options)) {
            append(log, TestBatches.batch(2, 10, 1_704_067_200_000L));
            log.rollNow();
            append(log, TestBatches.batch(2, 10, 1_704_067_200_000L));
            log.rollNow();
            append(log, TestBatches.batch(2, 10, 1_704_067_200_000L));
        }
        final long written = Files.getLastModifiedTime(SegmentFiles.log(dir, 0)).toMillis();
        try (PartitionLog log = open(options)) {
            assertEquals(0, log.applyRetention(written + 9_000), "reopened: aged from the file's mtime, kept");
            assertEquals(2, log.applyRetention(Math.max(clock.get(), written) + 60_000), "both closed ones go");
        }
    }

    @Test
    void shouldRejectBatchWhenCrcMismatchesOrTooLarge() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults())) {
            final ByteBuf bad = TestBatches.batch(2, 10, 5);
            bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 1);
            assertEquals(AppendStatus.CORRUPT, log.append(bad, 0, bad.readableBytes()));
            assertEquals(AppendStatus.CORRUPT, log.append(bad, 0, RecordBatchDescriptor.HEADER_LENGTH - 2));
            bad.release();
            final ByteBuf big = TestBatches.batch(1, (1 << 20) + 10, 5);
            assertEquals(AppendStatus.TOO_LARGE, log.append(big, 0, big.readableBytes()));
            big.release();
            assertEquals(0, log.logEndOffset());
            assertEquals(0, log.segments().get(0).sizeBytes());
        }
    }

    @Test
    void shouldKeepEveryBatchAndIndexWhenReopened() throws IOException {
        final LogOptions options = LogOptions.defaults().withSegmentBytes(4096).withIndexIntervalBytes(256);
        try (PartitionLog log = open(options)) {
            for (int i = 0; i < 50; i++) {
                append(log, TestBatches.batch(2, 100, 100 + i));
            }
        }
        try (PartitionLog log = open(options)) {
            assertEquals(100, log.highWatermark());
            assertEquals(0, log.logStartOffset());
            assertEquals(0, log.recovery().invalidBytes());
            for (long offset = 0; offset < 100; offset += 7) {
                assertTrue(log.read(offset, 1).length() > 0);
            }
            assertEquals(100, append(log, TestBatches.batch(1, 10, 1)));
        }
    }
}
