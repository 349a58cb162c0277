package io.metricstream.ingestion.batch;

import com.lmax.disruptor.EventHandler;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.SampleEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The ring's single consumer: appends each sample to its partition's open record batch and sends full batches to
 * the queue. One record per series run: consecutive samples of the same staged series key in the same partition
 * extend one record's value ({@code SampleRecordCodec}: N × (int64 ts, int64 bits)), so a remote-write series of
 * many samples costs one key copy. A batch is flushed when it reaches {@code batchMaxBytes}, when the ring runs
 * empty ({@code endOfBatch}) with {@code lingerMs == 0}, or once it is {@code lingerMs} old.
 *
 * <p>Acks: each batch remembers the requests it holds and, on the queue's answer (any thread), tells each of
 * them; a request completes when all its batches answered ({@link IngestRequest}).
 *
 * <p>Thread ownership: every field except the sent batches' request lists belongs to the ring's consumer thread
 * (single writer); a sent batch is handed to the queue client's thread through its future.
 */
public final class PartitionBatcher implements EventHandler<SampleEvent> {
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

    private final BatchSink sink;
    private final ByteBufAllocator alloc;
    private final int batchMaxBytes;
    private final long lingerNanos;
    private final Listener listener;
    private OpenBatch[] open = new OpenBatch[16];
    private int openCount;

    /** A batcher sending to {@code sink}. */
    public PartitionBatcher(final BatchSink sink, final ByteBufAllocator alloc, final int batchMaxBytes,
                            final long lingerMs, final Listener listener) {
        this.sink = sink;
        this.alloc = alloc;
        this.batchMaxBytes = batchMaxBytes;
        this.lingerNanos = lingerMs * 1_000_000L;
        this.listener = listener;
    }

    @Override
    public void onEvent(final SampleEvent e, final long sequence, final boolean endOfBatch) {
        final IngestRequest request = e.request();
        final OpenBatch b = openFor(e.partition());
        b.add(e, request);
        if (e.last()) {
            request.samples().release();
            request.sealed();
        }
        e.clear();
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
        flushDue(Long.MAX_VALUE);
    }

    private void flushDue(final long nowNanos) {
        if (openCount == 0) {
            return;
        }
        for (final OpenBatch b : open) {
            if (b != null && (lingerNanos == 0 || nowNanos - b.openedNanos >= lingerNanos)) {
                flush(b);
            }
        }
    }

    private OpenBatch openFor(final int partition) {
        if (partition >= open.length) {
            open = Arrays.copyOf(open, Math.max(partition + 1, open.length * 2));
        }
        OpenBatch b = open[partition];
        if (b == null) {
            b = new OpenBatch(partition, alloc.heapBuffer(Math.min(batchMaxBytes + 4096, 64 * 1024)));
            open[partition] = b;
            openCount++;
        }
        return b;
    }

    private void flush(final OpenBatch b) {
        open[b.partition] = null;
        openCount--;
        final int bytes = b.finish();
        listener.onSent(b.partition, bytes, b.writer.recordCount(), b.samples);
        b.sentNanos = System.nanoTime();
        CompletableFuture<Long> f;
        try {
            f = sink.produce(b.partition, b.buf);
        } catch (final RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.whenComplete(b);
    }

    /** One partition's batch: open (batcher thread), then sent and answered (queue client thread). */
    private final class OpenBatch implements BiConsumer<Long, Throwable> {
        final int partition;
        final ByteBuf buf;
        final RecordBatchWriter writer = new RecordBatchWriter();
        final List<IngestRequest> requests = new ArrayList<>(4);
        final long openedNanos = System.nanoTime();
        long sentNanos;
        int samples;
        boolean recordOpen;
        IngestRequest recordRequest;
        int recordKeyAt;

        OpenBatch(final int partition, final ByteBuf buf) {
            this.partition = partition;
            this.buf = buf;
            writer.begin(buf);
        }

        void add(final SampleEvent e, final IngestRequest request) {
            if (requests.isEmpty() || requests.get(requests.size() - 1) != request) {
                // a request interleaved with another may be listed twice: each entry opened and acks once
                request.batchOpened();
                requests.add(request);
            }
            if (!recordOpen || recordRequest != request || recordKeyAt != e.keyAt()) {
                if (recordOpen) {
                    writer.endRecord();
                }
                writer.beginRecord(e.timestampMs());
                buf.writeBytes(request.samples().keys(), e.keyAt(), e.keyLength());
                writer.endKey();
                recordOpen = true;
                recordRequest = request;
                recordKeyAt = e.keyAt();
            }
            buf.writeLong(e.timestampMs()).writeLong(e.valueBits());
            samples++;
        }

        int sizeInBytes() {
            return buf.writerIndex() + RecordBatchDescriptor.RECORD_KEY_AT;
        }

        int finish() {
            if (recordOpen) {
                writer.endRecord();
                recordOpen = false;
            }
            recordRequest = null;
            return writer.finish();
        }

        @Override
        public void accept(final Long baseOffset, final Throwable failure) {
            try {
                if (failure == null) {
                    listener.onAcked(partition, System.nanoTime() - sentNanos);
                } else {
                    listener.onFailed(partition, failure);
                }
                final String why = failure == null ? null : describe(failure);
                for (int i = 0; i < requests.size(); i++) {
                    requests.get(i).batchDone(why);
                }
            } finally {
                buf.release();
            }
        }
    }

    private static String describe(final Throwable t) {
        final Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause() : t;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
