package io.metricstream.queue.flush;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.queue.log.LogPosition;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.runtime.metrics.LatencyRecorder;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges one partition's appends per its {@link FsyncPolicy} and advances its high watermark.
 * With GROUP_COMMIT, a flush task on the shared flush pool forces everything written so far at most once per
 * {@code groupCommitMs}, then acks every batch the fsync covered: writes never wait for an fsync, and an ack
 * always follows the fsync that covers its batch.
 *
 * <p>Order after a write (OS) or an fsync: publish the high watermark, ack, then wake parked fetches. The
 * publish comes first so a producer that fetches after its ack sees its batch; the wake comes last because it
 * queues the fetch answers on the same event loop as the acks (in {@code up}, the one {@code ms-local} loop
 * carries both ingestion's produces and storage's long-poll), and a produce ack queued behind a fetch answer
 * waited for its file read and copy: under tiny requests that ack is what lets ingestion answer its HTTP requests
 * and send the next batch.
 *
 * <p>Threads: {@link #onAppended} runs on the partition's writer thread; flushes on a flush-pool thread;
 * {@code pending} is guarded by {@code this}.
 */
public final class GroupCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    private record Pending(long baseOffset, long endOffset, AppendAck ack) {
    }

    private final FsyncPolicy policy;
    private final long groupCommitNs;
    private final PartitionLog log;
    private final ScheduledExecutorService flushPool;
    private final Runnable onHighWatermark;
    private final LatencyRecorder fsyncLatency;
    // guarded by this
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean scheduled;
    private long lastFlushStartNs;

    /** A committer for {@code log}; {@code onHighWatermark} runs after each advance (wakes fetch waiters). */
    public GroupCommitter(final FsyncPolicy policy, final long groupCommitMs, final PartitionLog log,
                          final ScheduledExecutorService flushPool, final Runnable onHighWatermark,
                          final LatencyRecorder fsyncLatency) {
        this.policy = policy;
        this.groupCommitNs = TimeUnit.MILLISECONDS.toNanos(groupCommitMs);
        this.log = log;
        this.flushPool = flushPool;
        this.onHighWatermark = onHighWatermark;
        this.fsyncLatency = fsyncLatency;
        this.lastFlushStartNs = System.nanoTime() - groupCommitNs;
    }

    /** The policy. */
    public FsyncPolicy policy() {
        return policy;
    }

    /** Called on the writer thread right after a batch [baseOffset, endOffset) was written. */
    public void onAppended(final long baseOffset, final long endOffset, final AppendAck ack) {
        switch (policy) {
            case OS -> {
                log.publishHighWatermark(log.written());
                ack.acked(baseOffset);
                onHighWatermark.run();
            }
            case EVERY_BATCH -> {
                try {
                    final long start = System.nanoTime();
                    final LogPosition p = log.flushWritten();
                    fsyncLatency.recordNanos(System.nanoTime() - start);
                    log.publishHighWatermark(p);
                    ack.acked(baseOffset);
                    onHighWatermark.run();
                } catch (IOException e) {
                    LOG.error("fsync failed for {}: {}", log.dir().getFileName(), e.toString());
                    ack.failed(ErrorCode.INTERNAL, "fsync failed: " + e.getMessage());
                }
            }
            default -> {
                try {
                    synchronized (this) {
                        pending.addLast(new Pending(baseOffset, endOffset, ack));
                        if (!scheduled) {
                            scheduled = true;
                            scheduleLocked();
                        }
                    }
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    failAll("queue is shutting down");
                }
            }
        }
    }

    private void scheduleLocked() {
        final long delay = lastFlushStartNs + groupCommitNs - System.nanoTime();
        if (delay <= 0) {
            flushPool.execute(this::flush);
        } else {
            flushPool.schedule(this::flush, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void flush() {
        final long start = System.nanoTime();
        synchronized (this) {
            lastFlushStartNs = start;
        }
        LogPosition covered = null;
        IOException failure = null;
        try {
            covered = log.flushWritten();
            fsyncLatency.recordNanos(System.nanoTime() - start);
            log.publishHighWatermark(covered);
        } catch (IOException e) {
            failure = e;
            LOG.error("group commit fsync failed for {}: {}", log.dir().getFileName(), e.toString());
        }
        while (true) {
            final Pending p;
            synchronized (this) {
                final Pending head = pending.peekFirst();
                if (head == null || (covered != null && head.endOffset() > covered.offset())) {
                    if (head == null) {
                        scheduled = false;
                    } else {
                        scheduleLocked();
                    }
                    break;
                }
                p = pending.pollFirst();
            }
            if (failure == null) {
                p.ack().acked(p.baseOffset());
            } else {
                p.ack().failed(ErrorCode.INTERNAL, "fsync failed: " + failure.getMessage());
            }
        }
        if (failure == null) {
            onHighWatermark.run();
        }
    }

    private void failAll(final String message) {
        final java.util.List<Pending> failed;
        synchronized (this) {
            failed = new java.util.ArrayList<>(pending);
            pending.clear();
            scheduled = false;
        }
        for (final Pending p : failed) {
            p.ack().failed(ErrorCode.NOT_READY, message);
        }
    }

    /** Batches written and waiting for their fsync. */
    public synchronized int pendingCount() {
        return pending.size();
    }
}
