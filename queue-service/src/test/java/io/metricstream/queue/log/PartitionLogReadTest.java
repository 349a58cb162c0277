package io.metricstream.queue.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metricstream.queue.TestBatches;
import io.metricstream.testsupport.FaultyFileChannel;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch reads against the byte positions they must find: at the log end (where a fetch starts at a recent high
 * watermark and takes its position from the log's cache of them), after rolls, retention, failed appends and
 * reopening, and with byte budgets that skip whole index intervals.
 */
@Timeout(60)
class PartitionLogReadTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);

    /** Where one appended batch landed. */
    private record Placed(long base, long end, long segmentBase, int position, int length) {
    }

    private PartitionLog open(final LogOptions options) throws IOException {
        return PartitionLog.open(dir, options, SegmentFiles.DEFAULT, clock::get, null);
    }

    private static int appendOnly(final PartitionLog log, final ByteBuf batch) throws IOException {
        try {
            assertEquals(AppendStatus.OK, log.append(batch, 0, batch.readableBytes()));
            return batch.readableBytes();
        } finally {
            batch.release();
        }
    }

    @Test
    void shouldReadFromNextSegmentWhenFetchStartsAtHighWatermarkOfRolledSegment() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults())) {
            final long end = PartitionLogTest.append(log, TestBatches.batch(2, 40, 1)) + 2;
            log.rollNow();
            PartitionLogTest.append(log, TestBatches.batch(3, 40, 2));
            final FetchSlice slice = log.read(end, 1 << 20);
            assertEquals(end, slice.segment().baseOffset(), "the batch after the roll starts the new segment");
            assertEquals(0, slice.position());
            assertEquals(slice.segment().sizeBytes(), slice.length());
        }
    }

    @Test
    void shouldNotUseDeletedSegmentWhenRetentionDroppedTheCachedHighWatermark() throws IOException {
        try (PartitionLog log = open(LogOptions.defaults().withRetention(1, -1))) {
            PartitionLogTest.append(log, TestBatches.batch(2, 40, 1));
            log.rollNow();
            PartitionLogTest.append(log, TestBatches.batch(2, 40, 2));
            assertEquals(4, log.read(2, 1 << 20).highWatermark(), "high watermark 4 cached at the end of [2, 4)");
            log.rollNow();
            PartitionLogTest.append(log, TestBatches.batch(2, 40, 3));
            assertEquals(2, log.applyRetention(clock.get()));
            assertEquals(4, log.logStartOffset());
            assertEquals(0, log.read(2, 1 << 20).length(), "below the log start");
            final FetchSlice slice = log.read(4, 1 << 20);
            assertSame(log.segments().getFirst(), slice.segment());
            assertEquals(4, slice.segment().baseOffset());
            assertEquals(0, slice.position());
        }
    }

    @Test
    void shouldReadOnlyBelowHighWatermarkWhenAppendFailedAndWasTruncated() throws IOException {
        final ByteBuf sample = TestBatches.batch(3, 50, 1);
        final int batchBytes = sample.readableBytes();
        sample.release();
        final SegmentFiles.ChannelFactory faulty = path -> new FaultyFileChannel(SegmentFiles.DEFAULT.open(path),
            2L * batchBytes + batchBytes / 2, FaultyFileChannel.Fault.IO_EXCEPTION);
        try (PartitionLog log = PartitionLog.open(dir, LogOptions.defaults(), faulty, clock::get, null)) {
            PartitionLogTest.append(log, TestBatches.batch(3, 50, 1));
            PartitionLogTest.append(log, TestBatches.batch(3, 50, 2));
            final ByteBuf third = TestBatches.batch(3, 50, 3);
            assertThrows(IOException.class, () -> log.append(third, 0, third.readableBytes()));
            third.release();
            assertEquals(0, log.read(6, 1 << 20).length(), "nothing at the high watermark after the failure");
            final FetchSlice second = log.read(3, 1 << 20);
            assertEquals(batchBytes, second.position());
            assertEquals(batchBytes, second.length());
        }
        try (PartitionLog log = open(LogOptions.defaults())) {
            assertEquals(6, log.highWatermark());
            PartitionLogTest.append(log, TestBatches.batch(1, 50, 4));
            final FetchSlice appended = log.read(6, 1 << 20);
            assertEquals(2 * batchBytes, appended.position(), "recovered log, appended where the tail was cut");
        }
    }

    @Test
    void shouldFindSamePositionsWhenReopenedAfterCachedReads() throws IOException {
        final LogOptions options = LogOptions.defaults().withIndexIntervalBytes(200);
        final List<FetchSlice> before = new ArrayList<>();
        try (PartitionLog log = open(options)) {
            for (int i = 0; i < 20; i++) {
                final long base = PartitionLogTest.append(log, TestBatches.batch(1 + i % 3, 30, i));
                before.add(log.read(base, 1 << 20));
            }
        }
        try (PartitionLog log = open(options)) {
            long offset = 0;
            for (final FetchSlice expected : before) {
                final FetchSlice got = log.read(offset, 1 << 20);
                assertEquals(expected.position(), got.position(), "offset " + offset);
                offset = expected.highWatermark();
            }
        }
    }

    /**
     * Random appends, high watermarks published late, rolls and retention, and fetches from recent high
     * watermarks (the cached positions), random offsets and random byte budgets: every slice must be the one a
     * scan of the placed batches gives.
     */
    @Test
    void shouldReadSameSliceAsScanOfPlacedBatchesWhenLogChangesRandomly() throws IOException {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final LogOptions options = LogOptions.defaults().withSegmentBytes(1 << 20).withIndexIntervalBytes(256)
            .withRetention(40_000, -1);
        try (PartitionLog log = open(options)) {
            final List<Placed> placed = new ArrayList<>();
            final List<Long> highWatermarks = new ArrayList<>();
            long segmentBase = 0;
            int segmentBytes = 0;
            for (int step = 0; step < 1500; step++) {
                final int action = rnd.nextInt(100);
                if (action < 60) {
                    final long base = log.logEndOffset();
                    final int count = 1 + rnd.nextInt(4);
                    final int length = appendOnly(log, TestBatches.batch(count, 1 + rnd.nextInt(120), step));
                    placed.add(new Placed(base, base + count, segmentBase, segmentBytes, length));
                    segmentBytes += length;
                    if (rnd.nextInt(3) > 0) {
                        log.publishHighWatermark(log.flushWritten());
                        highWatermarks.add(log.highWatermark());
                    }
                } else if (action < 63 && segmentBytes > 0) {
                    log.publishHighWatermark(log.flushWritten());
                    log.rollNow();
                    segmentBase = log.logEndOffset();
                    segmentBytes = 0;
                } else if (action < 65) {
                    log.applyRetention(clock.get());
                } else {
                    final long hw = log.highWatermark();
                    final long offset = rnd.nextBoolean() && !highWatermarks.isEmpty()
                        ? highWatermarks.get(highWatermarks.size() - 1 - rnd.nextInt(Math.min(80,
                            highWatermarks.size())))
                        : rnd.nextLong(hw + 1);
                    final int maxBytes = rnd.nextInt(4) == 0 ? rnd.nextInt(3000) : 1 << 20;
                    assertSlice(log, placed, offset, maxBytes, "seed=" + seed + " step=" + step);
                }
            }
        }
    }

    private static void assertSlice(final PartitionLog log, final List<Placed> placed, final long offset,
                                    final int maxBytes, final String where) throws IOException {
        final FetchSlice got = log.read(offset, maxBytes);
        final long hw = log.highWatermark();
        final String what = where + " offset=" + offset + " maxBytes=" + maxBytes + " hw=" + hw;
        if (offset >= hw || offset < log.logStartOffset()) {
            assertEquals(0, got.length(), what);
            return;
        }
        int i = 0;
        while (placed.get(i).end() <= offset) {
            i++;
        }
        final Placed first = placed.get(i);
        int length = first.length();
        for (int j = i + 1; j < placed.size(); j++) {
            final Placed next = placed.get(j);
            if (next.segmentBase() != first.segmentBase() || next.end() > hw || length + next.length() > maxBytes) {
                break;
            }
            length += next.length();
        }
        assertEquals(first.segmentBase(), got.segment().baseOffset(), what);
        assertEquals(first.position(), got.position(), what);
        assertEquals(length, got.length(), what);
        assertSame(got.segment(), log.segments().stream().filter(s -> s.baseOffset() == first.segmentBase())
            .findFirst().orElseThrow(), what);
    }
}
