package io.metricstream.ingestion.batch;

import com.lmax.disruptor.EventHandler;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.SeriesRunEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

/**
 * The ring's single consumer: appends each series run (a ring event: one series' consecutive samples of one
 * request) to its partition's open record batch in one bulk copy, and sends full batches to the queue; a run is
 * split only where a batch fills (a batch takes samples until it reaches {@code batchMaxBytes}, as when samples
 * came one by one). One record per series per batch: every sample of a series that reaches the batch, from any request,
 * extends that series' one record ({@code SampleRecordCodec}: N × (int64 ts, int64 bits), in arrival order, so a
 * series keeps its timestamp order); see {@link SeriesGroups}. A batch is flushed when it reaches
 * {@code batchMaxBytes}, when the ring runs empty ({@code endOfBatch}) with {@code lingerMs == 0}, or once it is
 * {@code lingerMs} old; a batch that is not full waits while the last request it took samples from is still
 * being published (the ring ran empty mid-request); and with {@code maxInflight > 0} it waits while its partition
 * already has {@code maxInflight} produces unanswered, and goes when one of them answers. Under many tiny
 * requests this turns "one produce per ring drain" (a few requests each) into "one produce per queue round trip"
 * (every request that arrived meanwhile): less work per request on both sides (frame, CRC, write syscall, thread
 * hand-offs, ack), at the price of up to one more queue round trip of latency. Answers reach the batcher through
 * per-partition answered counters plus a ring signal ({@link AnswerSignal}) that wakes it; a dropped signal
 * (ring full) loses nothing, since a full ring means the batcher is busy and re-reads the counters at its next
 * {@code endOfBatch}.
 *
 * <p>Acks: each batch remembers the requests it holds and, on the queue's answer (any thread), tells each of
 * them; a request completes when all its batches answered ({@link IngestRequest}).
 *
 * <p>Thread ownership: every field except the sent batches' request lists belongs to the ring's consumer thread
 * (single writer); a sent batch is handed to the queue client's thread through its future.
 */
public final class PartitionBatcher implements EventHandler<SeriesRunEvent> {
    /** Where flushed batches go: the queue's PRODUCE. */
    @FunctionalInterface
    public interface BatchSink {
        /** Sends one record batch (its readable bytes) to {@code partition}; completes with the base offset. */
        CompletableFuture<Long> produce(int partition, ByteBuf batch);
    }

    /** Observes batches for metrics and queue health. Called on the batcher and queue client threads. */
    public interface Listener {
        /** A batch of {@code bytes}, {@code records} and {@code samples} was sent. */
        void onSent(int partition, int bytes, int records, int samples);

        /** A batch was acked after {@code latencyNs}. */
        void onAcked(int partition, long latencyNs);

        /** A batch failed. */
        void onFailed(int partition, Throwable cause);
    }

    /** Wakes the batcher after a produce of {@code partition} answered; must not block (may drop the wake). */
    @FunctionalInterface
    public interface AnswerSignal {
        /** Called on the queue client's thread after {@code partition}'s answered count was incremented. */
        void answered(int partition);
    }

    /**
     * Runs the acknowledgement work of one answered batch (completing the requests it holds), so that the HTTP side
     * can hand the responses those completions send to their event loops together ({@code respondBatched}).
     */
    @FunctionalInterface
    public interface AckScope {
        /** Runs {@code acks} on the calling thread (the queue client's). */
        void run(Runnable acks);
    }

    /** Bytes of one sample in a record value ({@code SampleRecordCodec}: int64 ts, int64 bits). */
    private static final int SAMPLE_BYTES = 16;
    /** Partitions whose unanswered produces are bounded (any topic here has fewer). */
    static final int GATED_PARTITIONS = 1024;

    private final BatchSink sink;
    private final ByteBufAllocator alloc;
    private final int batchMaxBytes;
    private final long lingerNanos;
    private final Listener listener;
    private final int maxInflight;
    private final RecordBatchWriter writer = new RecordBatchWriter();
    private final ArrayDeque<SeriesGroups> freeGroups = new ArrayDeque<>();
    private OpenBatch[] open = new OpenBatch[16];
    private int openCount;
    // produces sent per partition (batcher thread) and answered (queue client threads); partitions from
    // GATED_PARTITIONS on are not gated
    private final long[] sent = new long[GATED_PARTITIONS];
    private final AtomicLongArray answered = new AtomicLongArray(GATED_PARTITIONS);
    private volatile AnswerSignal signal = p -> { };
    private volatile AckScope ackScope = Runnable::run;

    /** A batcher sending to {@code sink} without a bound on unanswered produces per partition. */
    public PartitionBatcher(final BatchSink sink, final ByteBufAllocator alloc, final int batchMaxBytes,
                            final long lingerMs, final Listener listener) {
        this(sink, alloc, batchMaxBytes, lingerMs, 0, listener);
    }

    /**
     * A batcher sending to {@code sink}; a batch that is not full waits while its partition has {@code maxInflight}
     * produces unanswered (0 = no bound).
     */
    public PartitionBatcher(final BatchSink sink, final ByteBufAllocator alloc, final int batchMaxBytes,
                            final long lingerMs, final int maxInflight, final Listener listener) {
        this.sink = sink;
        this.alloc = alloc;
        this.batchMaxBytes = batchMaxBytes;
        this.lingerNanos = lingerMs * 1_000_000L;
        this.maxInflight = maxInflight;
        this.listener = listener;
    }

    /** How acknowledgements run (default: directly); set before the first event. */
    public void ackScope(final AckScope scope) {
        this.ackScope = scope;
    }

    /** Where answers are signalled (the ring's {@code signal}); set before the first event. */
    public void answerSignal(final AnswerSignal answerSignal) {
        this.signal = answerSignal;
    }

    @Override
    public void onEvent(final SeriesRunEvent e, final long sequence, final boolean endOfBatch) {
        if (e.isSignal()) {
            if (endOfBatch) {
                flushDue(System.nanoTime());
            }
            return;
        }
        final IngestRequest request = e.request();
        if (e.last()) {
            request.lastTaken();
        }
        int from = e.from();
        int left = e.count();
        while (true) {
            final OpenBatch b = openFor(e.partition());
            final int took = b.add(e, request, from, left);
            from += took;
            left -= took;
            if (left == 0) {
                break;
            }
            // the batch filled mid-run: the rest goes to the partition's next batch
            flush(b);
        }
        if (e.last()) {
            request.samples().release();
            request.sealed();
        }
        e.clear();
        final OpenBatch b = open[e.partition()];
        if (b.sizeInBytes() >= batchMaxBytes) {
            flush(b);
        }
        if (endOfBatch) {
            flushDue(System.nanoTime());
        }
    }

    @Override
    public void onTimeout(final long sequence) {
        flushDue(System.nanoTime());
    }

    @Override
    public void onShutdown() {
        if (openCount == 0) {
            return;
        }
        for (final OpenBatch b : open) {
            if (b != null) {
                flush(b);
            }
        }
    }

    private void flushDue(final long nowNanos) {
        if (openCount == 0) {
            return;
        }
        for (final OpenBatch b : open) {
            if (b != null && (lingerNanos == 0 || nowNanos - b.openedNanos >= lingerNanos) && mayFlush(b.partition)
                && b.lastRequestTaken()) {
                flush(b);
            }
        }
    }

    private boolean mayFlush(final int partition) {
        return maxInflight == 0 || partition >= GATED_PARTITIONS
            || sent[partition] - answered.get(partition) < maxInflight;
    }

    private OpenBatch openFor(final int partition) {
        if (partition >= open.length) {
            open = Arrays.copyOf(open, Math.max(partition + 1, open.length * 2));
        }
        OpenBatch b = open[partition];
        if (b == null) {
            final SeriesGroups groups = freeGroups.poll();
            b = new OpenBatch(partition, groups != null ? groups : new SeriesGroups());
            open[partition] = b;
            openCount++;
        }
        return b;
    }

    private void flush(final OpenBatch b) {
        open[b.partition] = null;
        openCount--;
        final int bytes = b.sizeInBytes();
        // direct: the queue client sends a direct batch as a retained slice behind the frame head (one writev),
        // where a heap batch is first copied into the direct frame buffer
        ByteBuf buf = null;
        final int records;
        try {
            buf = alloc.directBuffer(bytes, bytes);
            writer.begin(buf);
            b.groups.writeTo(writer, buf);
            records = writer.recordCount();
            writer.finish();
        } catch (final RuntimeException | Error ex) {
            // e.g. direct memory exhausted: the batch fails its requests (5xx, the clients retry) rather than
            // leaving them waiting for an answer that cannot come; the ring's handler logs the throw
            if (buf != null) {
                buf.release();
            }
            b.groups = null;
            b.failUnsent(ex);
            throw ex;
        }
        b.groups.clear();
        freeGroups.push(b.groups);
        b.groups = null;
        listener.onSent(b.partition, bytes, records, b.samples);
        b.sentNanos = System.nanoTime();
        if (b.partition < GATED_PARTITIONS) {
            sent[b.partition]++;
        }
        b.buf = buf;
        CompletableFuture<Long> f;
        try {
            f = sink.produce(b.partition, buf);
        } catch (final RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.whenComplete(b);
    }

    /**
     * One partition's batch: open (batcher thread: samples grouped by series in {@link SeriesGroups}), then
     * written into {@code buf} and sent, then answered (queue client thread).
     */
    private final class OpenBatch implements BiConsumer<Long, Throwable>, Runnable {
        final int partition;
        final List<IngestRequest> requests = new ArrayList<>(4);
        final long openedNanos = System.nanoTime();
        SeriesGroups groups;
        ByteBuf buf;
        long sentNanos;
        int samples;
        // set by the answering thread just before run()
        String failureWhy;

        OpenBatch(final int partition, final SeriesGroups groups) {
            this.partition = partition;
            this.groups = groups;
        }

        /**
         * Adds samples {@code [from, from + count)} of the run {@code e} up to the size where the batch is full
         * (at least one sample); returns how many it took.
         */
        int add(final SeriesRunEvent e, final IngestRequest request, final int from, final int count) {
            if (requests.isEmpty() || requests.get(requests.size() - 1) != request) {
                // a request interleaved with another may be listed twice: each entry opened and acks once
                request.batchOpened();
                requests.add(request);
            }
            final StagedSamples staged = request.samples();
            final int s = groups.series(staged.keys(), e.keyAt(), e.keyLength(), e.seriesHash());
            // the samples that keep the batch below batchMaxBytes, plus the one that reaches it
            final long room = (long) batchMaxBytes - sizeInBytes();
            final int fit = (int) Math.max(1, Math.min(count, (room + SAMPLE_BYTES - 1) / SAMPLE_BYTES));
            groups.addRun(s, staged, from, fit);
            samples += fit;
            return fit;
        }

        int sizeInBytes() {
            return RecordBatchDescriptor.HEADER_LENGTH + groups.recordBytes();
        }

        /**
         * Whether the last request the batch took samples from is wholly taken from the ring. When not, the ring
         * ran empty in the middle of a request that its event loop is still publishing: the rest follows at
         * once, so the partial batch waits for it rather than going out as one more small produce.
         */
        boolean lastRequestTaken() {
            return requests.get(requests.size() - 1).allTaken();
        }

        @Override
        public void accept(final Long baseOffset, final Throwable failure) {
            if (partition < GATED_PARTITIONS) {
                answered.incrementAndGet(partition);
            }
            signal.answered(partition);
            try {
                if (failure == null) {
                    listener.onAcked(partition, System.nanoTime() - sentNanos);
                } else {
                    listener.onFailed(partition, failure);
                }
                failureWhy = failure == null ? null : describe(failure);
                ackScope.run(this);
            } finally {
                buf.release();
            }
        }

        /** The batch could not be written: each request it holds is told it failed (never sent, so not gated). */
        void failUnsent(final Throwable cause) {
            listener.onFailed(partition, cause);
            failureWhy = "internal error in the batcher: " + describe(cause);
            ackScope.run(this);
        }

        /** Tells every request the batch held that it was answered. */
        @Override
        public void run() {
            for (int i = 0; i < requests.size(); i++) {
                requests.get(i).batchDone(failureWhy);
            }
        }
    }

    private static String describe(final Throwable t) {
        final Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause() : t;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
