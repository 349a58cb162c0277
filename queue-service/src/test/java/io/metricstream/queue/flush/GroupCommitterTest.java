package io.metricstream.queue.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.queue.TestBatches;
import io.metricstream.queue.log.AppendStatus;
import io.metricstream.queue.log.LogOptions;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.queue.log.SegmentFiles;
import io.metricstream.runtime.metrics.LatencyRecorder;
import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Under every policy the high watermark is published before the ack and parked fetches are woken after it: the
 * wake queues fetch answers on the event loop that also carries the acks, and an ack must not wait behind them.
 */
@Timeout(30)
class GroupCommitterTest {
    @TempDir
    Path dir;

    private final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
        final Thread t = new Thread(r, "test-flush");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Records the ack and the high watermark it saw. */
    private static final class Ack implements AppendAck {
        final CompletableFuture<Long> offset = new CompletableFuture<>();
        final PartitionLog log;
        volatile long highWatermarkAtAck = -1;

        Ack(final PartitionLog log) {
            this.log = log;
        }

        @Override
        public void acked(final long baseOffset) {
            highWatermarkAtAck = log.highWatermark();
            offset.complete(baseOffset);
        }

        @Override
        public void failed(final ErrorCode code, final String message) {
            offset.completeExceptionally(new IllegalStateException(code + ": " + message));
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void shouldPublishTheHighWatermarkThenAckThenWakeFetches(final FsyncPolicy policy) throws Exception {
        try (PartitionLog log = PartitionLog.open(dir, LogOptions.defaults(), SegmentFiles.DEFAULT,
            System::currentTimeMillis, null)) {
            final Ack ack = new Ack(log);
            final CompletableFuture<Boolean> ackedBeforeWake = new CompletableFuture<>();
            final CountDownLatch woken = new CountDownLatch(1);
            final GroupCommitter committer = new GroupCommitter(policy, 0, log, pool, () -> {
                ackedBeforeWake.complete(ack.offset.isDone());
                woken.countDown();
            }, new LatencyRecorder());

            final ByteBuf batch = TestBatches.batch(3, 20, 1_000);
            final long base;
            final long end;
            try { // as Partition does: the batch's offsets are read after the append, before its release
                assertEquals(AppendStatus.OK, log.append(batch, 0, batch.readableBytes()));
                base = log.lastBaseOffset();
                end = base + log.lastRecordCount();
            } finally {
                batch.release();
            }
            committer.onAppended(base, end, ack);

            assertEquals(base, ack.offset.get(10, TimeUnit.SECONDS));
            assertTrue(woken.await(10, TimeUnit.SECONDS), "fetch waiters were never woken");
            assertTrue(ackedBeforeWake.get(), policy + ": fetch waiters were woken before the produce was acked");
            assertEquals(end, ack.highWatermarkAtAck, policy + ": the ack came before the high watermark moved");
        }
    }
}
