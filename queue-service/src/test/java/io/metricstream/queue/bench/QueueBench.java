package io.metricstream.queue.bench;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.queue.TestBatches;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.TempDirs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Loopback produce/consume benchmark of the queue over its binary protocol (JMH-free, loadgen style):
 * {@code QueueBench [records100B] [records1KiB] [windowBatches] [batchBytes] [policies]}. For each fsync policy
 * (default every_batch, group_commit, os), record size (100 B, 1 KiB) and partition count (1, 8) it starts a fresh
 * embedded queue, produces with pipelining from one connection (a window of in-flight batches of about
 * {@code batchBytes}), consumes everything back, and prints records/s, MB/s and produce p50/p99. It ends with
 * a one-in-flight latency run (one 100 B record per produce).
 */
public final class QueueBench {
    private static final PrintStream OUT = System.out;

    private QueueBench() {
    }

    /** Runs the matrix. */
    public static void main(final String[] args) throws Exception {
        final int records100 = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int records1k = args.length > 1 ? Integer.parseInt(args[1]) : 250_000;
        final int window = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        final int batchBytes = args.length > 3 ? Integer.parseInt(args[3]) : 16 * 1024;
        final String[] policies = (args.length > 4 ? args[4] : "every_batch,group_commit,os").split(",");
        OUT.printf(Locale.ROOT, "%-12s %5s %3s %9s %12s %9s %9s %9s %12s %9s%n", "policy", "size", "P", "records",
            "produce r/s", "MB/s", "p50 ms", "p99 ms", "consume r/s", "MB/s");
        for (final String policy : policies) {
            for (final int size : new int[] {100, 1024}) {
                for (final int partitions : new int[] {1, 8}) {
                    run(policy, size, partitions, size == 100 ? records100 : records1k, window, batchBytes);
                }
            }
        }
        for (final String policy : policies) {
            oneInFlight(policy, 5_000);
        }
    }

    private static ByteBuf[] batches(final int size, final int batchBytes) {
        final int perBatch = Math.max(1, batchBytes / (size + 30));
        final ByteBuf[] out = new ByteBuf[8];
        for (int b = 0; b < out.length; b++) {
            final ByteBuf buf = Unpooled.directBuffer(perBatch * (size + 40) + 64);
            final RecordBatchWriter w = new RecordBatchWriter().begin(buf);
            final ByteBuf value = Unpooled.buffer(size);
            for (int i = 0; i < perBatch; i++) {
                value.clear();
                for (int j = 0; j < size; j++) {
                    value.writeByte('a' + (b + i + j) % 26);
                }
                w.appendRecord(System.currentTimeMillis(), null, 0, 0, value, 0, size);
            }
            w.finish();
            value.release();
            out[b] = buf;
        }
        return out;
    }

    private static void run(final String policy, final int size, final int partitions, final int records,
                            final int window, final int batchBytes) throws Exception {
        final Path dir = TempDirs.create("queue-bench");
        final ByteBuf[] batches = batches(size, batchBytes);
        final int perBatch = batches[0].getInt(RecordBatchDescriptor.RECORD_COUNT_AT);
        final int batchCount = (records + perBatch - 1) / perBatch;
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        try (EmbeddedHost host = TestBatches.start(dir, Map.of("queue.fsync_policy", policy,
            "queue.topics", "bench:" + partitions, "queue.segment_bytes", "256MiB"));
             QueueClient client = new QueueClient("127.0.0.1",
                 host.host("queue").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT)) {
            final Semaphore inFlight = new Semaphore(window);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final long start = System.nanoTime();
            for (int i = 0; i < batchCount; i++) {
                inFlight.acquire();
                final ByteBuf b = batches[i % batches.length].retainedDuplicate();
                final long sent = System.nanoTime();
                final CompletableFuture<Long> ack = client.produce("bench", i % partitions, b);
                ack.whenComplete((offset, e) -> {
                    b.release();
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        synchronized (latency) {
                            latency.recordValue(System.nanoTime() - sent);
                        }
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(window);
            final double produceSeconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("produce failed", failure.get());
            }
            final long totalRecords = (long) batchCount * perBatch;
            final long consumeStart = System.nanoTime();
            long consumed = 0;
            for (int p = 0; p < partitions; p++) {
                consumed += consume(client, p);
            }
            final double consumeSeconds = (System.nanoTime() - consumeStart) / 1e9;
            if (consumed != totalRecords) {
                throw new IllegalStateException("consumed " + consumed + " of " + totalRecords);
            }
            OUT.printf(Locale.ROOT, "%-12s %5d %3d %9d %12.0f %9.1f %9.2f %9.2f %12.0f %9.1f%n", policy, size,
                partitions, totalRecords, totalRecords / produceSeconds, totalRecords * size / produceSeconds / 1e6,
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                consumed / consumeSeconds, consumed * size / consumeSeconds / 1e6);
        } finally {
            for (final ByteBuf b : batches) {
                b.release();
            }
            TempDirs.deleteRecursively(dir);
        }
    }

    private static long consume(final QueueClient client, final int partition) throws Exception {
        long offset = 0;
        long records = 0;
        while (true) {
            try (FetchResponse r = client.fetch(new FetchRequest("bench", partition, offset, 0, 1, 4 << 20))
                .get(30, TimeUnit.SECONDS)) {
                final ByteBuf buf = r.records();
                int at = buf.readerIndex();
                while (at < buf.writerIndex()) {
                    final long base = buf.getLong(at + RecordBatchDescriptor.BASE_OFFSET_AT);
                    final int count = buf.getInt(at + RecordBatchDescriptor.RECORD_COUNT_AT);
                    records += base + count - Math.max(base, offset);
                    offset = base + count;
                    at += buf.getInt(at) + 4;
                }
                if (offset >= r.highWatermark()) {
                    return records;
                }
            }
        }
    }

    private static void oneInFlight(final String policy, final int produces) throws Exception {
        final Path dir = TempDirs.create("queue-bench");
        final ByteBuf batch = TestBatches.batch(1, 100, System.currentTimeMillis());
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        try (EmbeddedHost host = TestBatches.start(dir, Map.of("queue.fsync_policy", policy,
            "queue.topics", "bench:1"));
             QueueClient client = new QueueClient("127.0.0.1",
                 host.host("queue").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT)) {
            for (int i = 0; i < produces; i++) {
                final long sent = System.nanoTime();
                client.produce("bench", 0, batch).get(10, TimeUnit.SECONDS);
                latency.recordValue(System.nanoTime() - sent);
            }
            OUT.printf(Locale.ROOT, "one-in-flight %-12s produces=%d p50=%.3f ms p99=%.3f ms p999=%.3f ms%n", policy,
                produces, latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                latency.getValueAtPercentile(99.9) / 1e6);
        } finally {
            batch.release();
            TempDirs.deleteRecursively(dir);
        }
    }
}
