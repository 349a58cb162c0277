package io.metricstream.queue.topic;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.queue.flush.AppendAck;
import io.metricstream.queue.flush.GroupCommitter;
import io.metricstream.queue.log.AppendStatus;
import io.metricstream.queue.log.PartitionLog;
import io.metricstream.queue.server.FetchWaiters;
import io.metricstream.runtime.metrics.Counter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic-partition at run time: its {@link PartitionLog}, its writer thread (a stripe of
 * {@link PartitionWriters}), its {@link GroupCommitter} and its parked fetches. {@link #append} may be called
 * from any thread; the work runs on the writer thread.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /**
     * Counters shared by every partition.
     *
     * @param records records appended
     * @param bytes bytes appended
     */
    public record Counters(Counter records, Counter bytes) {
    }

    private final String topic;
    private final int index;
    private final PartitionLog log;
    private final ExecutorService writer;
    private final FetchWaiters waiters;
    private final DiskSpace disk;
    private final Counters counters;
    private GroupCommitter committer;
    private long lastErrorLogNs;

    Partition(String topic, int index, PartitionLog log, ExecutorService writer, DiskSpace disk, Counters counters) {
        this.topic = topic;
        this.index = index;
        this.log = log;
        this.writer = writer;
        this.disk = disk;
        this.counters = counters;
        this.waiters = new FetchWaiters();
    }

    void committer(final GroupCommitter groupCommitter) {
        this.committer = groupCommitter;
    }

    /**
     * Appends the batch of {@code length} bytes at {@code at} in {@code buf}, taking over one reference of
     * {@code buf} (released once written). {@code ack} completes per the fsync policy.
     */
    public void append(final ByteBuf buf, final int at, final int length, final AppendAck ack) {
        try {
            writer.execute(() -> appendOnWriter(buf, at, length, ack));
        } catch (RejectedExecutionException e) {
            buf.release();
            ack.failed(ErrorCode.NOT_READY, "queue is shutting down");
        }
    }

    private void appendOnWriter(final ByteBuf buf, final int at, final int length, final AppendAck ack) {
        final long base;
        final int count;
        try {
            if (!disk.allows(length)) {
                ack.failed(ErrorCode.THROTTLED, "free disk space below queue.min_free_disk_bytes="
                    + disk.minFreeBytes() + " (usable=" + disk.usableBytes() + ")");
                return;
            }
            final AppendStatus status = log.append(buf, at, length);
            if (status == AppendStatus.TOO_LARGE) {
                ack.failed(ErrorCode.MESSAGE_TOO_LARGE, "record batch too large: got " + length + " bytes");
                return;
            }
            if (status == AppendStatus.CORRUPT) {
                ack.failed(ErrorCode.CORRUPT_MESSAGE, "record batch failed validation (length, CRC or records)");
                return;
            }
            base = log.lastBaseOffset();
            count = log.lastRecordCount();
        } catch (IOException e) {
            final long now = System.nanoTime();
            if (now - lastErrorLogNs > 10_000_000_000L) {
                lastErrorLogNs = now;
                LOG.error("append failed on {}-{}; segment truncated to its last good batch: {}", topic, index,
                    e.toString());
            }
            ack.failed(ErrorCode.INTERNAL, "append failed: " + e.getMessage());
            return;
        } finally {
            buf.release();
        }
        counters.records().add(count);
        counters.bytes().add(length);
        committer.onAppended(base, base + count, ack);
    }

    /** Runs {@code task} on this partition's writer thread. */
    public void onWriter(final Runnable task) {
        try {
            writer.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("writer stopped; task dropped for {}-{}", topic, index);
        }
    }

    /** The topic name. */
    public String topic() {
        return topic;
    }

    /** The partition index. */
    public int index() {
        return index;
    }

    /** The log. */
    public PartitionLog log() {
        return log;
    }

    /** Parked fetches of this partition. */
    public FetchWaiters waiters() {
        return waiters;
    }
}
