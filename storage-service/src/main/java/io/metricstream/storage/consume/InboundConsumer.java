package io.metricstream.storage.consume;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.ListOffsetsRequest;
import io.metricstream.contracts.queue.OffsetCommitRequest;
import io.metricstream.contracts.queue.OffsetFetchRequest;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.Head;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest thread: keeps the group membership, long-polls one fetch per assigned partition, applies each answer's
 * records to the head strictly in offset order per partition, and every checkpoint interval flushes due blocks,
 * queues compaction and retention on the database's compaction thread, writes the head checkpoint and only then
 * commits the checkpointed offsets. It is the head's single writer; other threads hand it work with
 * {@link #submit}.
 *
 * <p>Crash policy: everything up to the committed offset is in blocks or the fsynced checkpoint; after a restart
 * fetching resumes at the checkpoint's offsets (or the committed ones), and anything re-delivered is dropped as a
 * duplicate, so an acknowledged sample is stored exactly once.
 */
public final class InboundConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConsumer.class);

    /**
     * Settings.
     *
     * @param topic topic
     * @param group consumer group
     * @param sessionTimeoutMs group session timeout
     * @param fetchMaxWaitMs long-poll bound
     * @param fetchMaxBytes soft bound of one fetch
     * @param checkpointIntervalMs checkpoint (and commit) period
     * @param requestTimeoutMs bound on blocking group and offset requests
     */
    public record Settings(String topic, String group, int sessionTimeoutMs, int fetchMaxWaitMs, int fetchMaxBytes,
                           long checkpointIntervalMs, int requestTimeoutMs) {
    }

    private record Fetched(int partition, long fetchOffset, FetchResponse response, Throwable error) {
    }

    private final TimeSeriesDb db;
    private final QueueClient client;
    private final Settings settings;
    private final GroupMember member;
    private final OffsetCheckpoint offsets;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final DistinctErrorLog errors = new DistinctErrorLog(LOG, Duration.ofSeconds(10));
    private final Thread thread;
    // ingest thread only
    private final Set<Integer> inFlight = new HashSet<>();
    private final Map<Integer, Long> retryAtNanos = new HashMap<>();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
    private int[] assigned = new int[0];
    private long appendedAtLastCheckpoint = -1;
    private volatile boolean running = true;
    private volatile long recordsApplied;
    private volatile long checkpoints;

    /** A consumer feeding {@code db} from {@code client}; call {@link #start()}. */
    public InboundConsumer(final TimeSeriesDb db, final QueueClient client, final Settings settings) {
        this.db = db;
        this.client = client;
        this.settings = settings;
        this.member = new GroupMember(client, settings.group(), settings.topic(), settings.sessionTimeoutMs());
        this.offsets = new OffsetCheckpoint(db.recoveredOffsets());
        this.thread = new Thread(this::run, "storage-ingest");
        this.thread.setDaemon(true);
    }

    /** Starts the ingest thread. */
    public void start() {
        thread.start();
    }

    /** Records applied so far. */
    public long recordsApplied() {
        return recordsApplied;
    }

    /** Checkpoints written so far. */
    public long checkpoints() {
        return checkpoints;
    }

    /** Currently assigned partitions. */
    public int[] assignedPartitions() {
        return assigned.clone();
    }

    /** Runs {@code task} on the ingest thread (the database's single writer). */
    public <T> CompletableFuture<T> submit(final Callable<T> task) {
        final CompletableFuture<T> f = new CompletableFuture<>();
        inbox.add((Runnable) () -> {
            try {
                f.complete(task.call());
            } catch (final Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Cleans tombstones (blocks and head rewritten, head checkpointed) on the calling ingest thread. */
    public int cleanTombstones() throws java.io.IOException {
        final Map<Integer, Long> snapshot = offsets.snapshot();
        final int rewritten = db.cleanTombstones(snapshot);
        offsets.markDurable(snapshot);
        return rewritten;
    }

    private void run() {
        long nextCheckpoint = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.checkpointIntervalMs());
        while (running) {
            final long now = System.nanoTime();
            try {
                if (member.tick(now, settings.requestTimeoutMs())) {
                    assigned = member.partitions();
                    LOG.info("assigned partitions {} (generation {})", java.util.Arrays.toString(assigned),
                        member.generation());
                }
                for (final int p : assigned) {
                    if (!inFlight.contains(p) && now - retryAtNanos.getOrDefault(p, now) >= 0) {
                        issueFetch(p);
                    }
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (final RuntimeException | TimeoutException e) {
                errors.error("group", "storage consumer cannot reach group " + settings.group() + " at "
                    + client.pipelinedClient().address() + ": " + e.getMessage(), null);
                member.tickLater(now);
            }
            drainInbox(50);
            if (System.nanoTime() - nextCheckpoint >= 0) {
                maintenance();
                nextCheckpoint = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.checkpointIntervalMs());
            }
        }
        // the last commits are answered before the leave: the queue answers a leave (group coordinator) before a
        // commit queued ahead of it (offsets thread), and the connection closes right after the leave
        awaitQuietly(maintenance());
        member.leave(settings.requestTimeoutMs());
        releaseInbox();
    }

    private void drainInbox(final long waitMs) {
        try {
            Object o = inbox.poll(waitMs, TimeUnit.MILLISECONDS);
            while (o != null) {
                if (o instanceof Fetched f) {
                    handle(f);
                } else {
                    ((Runnable) o).run();
                }
                o = inbox.poll();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void releaseInbox() {
        for (Object o = inbox.poll(); o != null; o = inbox.poll()) {
            if (o instanceof Fetched f && f.response() != null) {
                f.response().close();
            } else if (o instanceof Runnable r) {
                r.run();
            }
        }
    }

    private void issueFetch(final int p) throws InterruptedException, TimeoutException {
        long at = offsets.applied(p);
        if (at < 0) {
            at = startOffset(p);
            offsets.advance(p, at);
        }
        final long fetchOffset = at;
        inFlight.add(p);
        client.fetch(new FetchRequest(settings.topic(), p, fetchOffset, settings.fetchMaxWaitMs(), 1,
            settings.fetchMaxBytes())).whenComplete((r, e) -> inbox.add(new Fetched(p, fetchOffset, r, e)));
    }

    private long startOffset(final int p) throws InterruptedException, TimeoutException {
        try {
            final long committed = client.committedOffset(settings.group(), settings.topic(), p)
                .get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            if (committed != OffsetFetchRequest.NONE) {
                return committed;
            }
            return client.listOffsets(settings.topic(), p, ListOffsetsRequest.EARLIEST)
                .get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot find start offset of partition " + p + ": "
                + e.getCause().getMessage(), e.getCause());
        }
    }

    private void handle(final Fetched f) {
        inFlight.remove(f.partition());
        if (f.error() != null) {
            onFetchError(f);
            return;
        }
        try (FetchResponse response = f.response()) {
            if (!isAssigned(f.partition()) || f.fetchOffset() != offsets.applied(f.partition())) {
                return;
            }
            apply(f.partition(), response.records());
        }
    }

    private void apply(final int partition, final ByteBuf buf) {
        final Head head = db.head();
        head.beginBatch();
        try {
            applyBatches(partition, buf, head);
        } finally {
            head.endBatch();
        }
    }

    private void applyBatches(final int partition, final ByteBuf buf, final Head head) {
        long next = offsets.applied(partition);
        int at = buf.readerIndex();
        final int end = buf.writerIndex();
        while (at < end) {
            view.wrap(buf, at);
            final DecodeStatus status = view.check(end - at, Integer.MAX_VALUE);
            if (status != DecodeStatus.OK) {
                errors.error("batch-" + status, "bad record batch from partition " + partition + " at offset "
                    + next + ": " + status, null);
                retryAtNanos.put(partition, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                break;
            }
            cursor.reset(view);
            while (cursor.next()) {
                final long offset = cursor.offset();
                if (DuplicateFilter.alreadyApplied(offset, next)) {
                    continue;
                }
                head.appendRecord(buf, cursor.keyAt(), cursor.keyLength(), cursor.valueAt(), cursor.valueLength());
                next = offset + 1;
                recordsApplied++;
            }
            at += view.totalLength();
        }
        offsets.advance(partition, next);
    }

    private void onFetchError(final Fetched f) {
        final int p = f.partition();
        retryAtNanos.put(p, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
        final Throwable cause = f.error() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
            ? c.getCause() : f.error();
        if (cause instanceof ContractException ce && ce.code() == ErrorCode.OFFSET_OUT_OF_RANGE && isAssigned(p)) {
            try {
                final long earliest = client.listOffsets(settings.topic(), p, ListOffsetsRequest.EARLIEST)
                    .get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
                final long latest = client.listOffsets(settings.topic(), p, ListOffsetsRequest.LATEST)
                    .get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
                final long applied = offsets.applied(p);
                final long reset = applied < earliest ? earliest : Math.min(applied, latest);
                LOG.warn("partition {} offset {} out of range [{}, {}]: resuming at {}", p, applied, earliest, latest,
                    reset);
                offsets.advance(p, reset);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (final ExecutionException | TimeoutException e) {
                errors.error("list-offsets", "cannot list offsets of partition " + p + ": " + e, null);
            }
            return;
        }
        errors.error("fetch", "fetch from partition " + p + " failed: " + cause.getMessage(), null);
    }

    private boolean isAssigned(final int p) {
        for (final int a : assigned) {
            if (a == p) {
                return true;
            }
        }
        return false;
    }

    /** Flush, checkpoint and commit what is durable; returns the commits sent (completing when answered). */
    private CompletableFuture<Void> maintenance() {
        try {
            final int flushed = db.flushIfDue();
            if (flushed > 0) {
                // merges re-encode whole blocks: on the compaction thread, off this one (they were ~23 % of it)
                db.compactInBackground();
            }
            final long appended = db.head().metrics().appended();
            if (flushed > 0 || appended != appendedAtLastCheckpoint) {
                final Map<Integer, Long> snapshot = offsets.snapshot();
                db.checkpoint(snapshot);
                offsets.markDurable(snapshot);
                appendedAtLastCheckpoint = appended;
                checkpoints++;
            }
            return commitDurable();
        } catch (final java.io.IOException | RuntimeException e) {
            errors.error("checkpoint", "storage maintenance failed: " + e, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> commitDurable() {
        final List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (final int p : assigned) {
            final long offset = offsets.toCommit(p);
            if (offset < 0) {
                continue;
            }
            sent.add(client.commitOffset(new OffsetCommitRequest(settings.group(), member.memberId(),
                member.generation(), settings.topic(), p, offset)).whenComplete((ok, e) -> {
                    if (e == null) {
                        inbox.add((Runnable) () -> offsets.committed(p, offset));
                    } else {
                        errors.error("commit", "offset commit of partition " + p + " failed: " + e.getMessage(),
                            null);
                    }
                }));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    // bounded by the request timeout; a failure was logged by the commit's own handler
    private void awaitQuietly(final CompletableFuture<Void> commits) {
        try {
            commits.get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            // logged where it failed, or the leave below goes ahead after the timeout
        }
    }

    /** Stops the thread after a final checkpoint and commit; waits up to 10 s. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
