package io.metricstream.queue.bench;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.queue.TestBatches;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.TempDirs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * CPU cost of tiny produce + long-poll fetch round trips, the shape of {@code loadgen/bench/tiny.sh} inside
 * the embedded platform: one producer connection keeps {@code window} one-record batches in flight, round
 * robin over the partitions, and one consumer connection keeps one long-poll fetch per partition parked
 * ({@code minBytes} 1, as storage's InboundConsumer), re-issued at the answer's end offset. Prints CPU µs per
 * produce (whole process: broker and both clients) and per thread group, and batches per fetch answer.
 * {@code TinyProduceFetchBench [produces] [window] [partitions] [policy] [valueBytes] [rounds]}.
 */
public final class TinyProduceFetchBench {
    private static final PrintStream OUT = System.out;
    private static final String TOPIC = "tiny";

    private TinyProduceFetchBench() {
    }

    /** Runs {@code rounds} measured rounds after one warm-up round. */
    public static void main(final String[] args) throws Exception {
        final int produces = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int window = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        final int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        final String policy = args.length > 3 ? args[3] : "group_commit";
        final int valueBytes = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        final int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        final Path dir = TempDirs.create("tiny-bench");
        final ByteBuf batch = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        final ByteBuf heap = TestBatches.batch(1, valueBytes, System.currentTimeMillis());
        batch.writeBytes(heap);
        heap.release();
        try (EmbeddedHost host = TestBatches.start(dir, Map.of("queue.fsync_policy", policy,
            "queue.topics", TOPIC + ":" + partitions));
             QueueClient producer = new QueueClient("127.0.0.1",
                 host.host("queue").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT);
             QueueClient consumer = new QueueClient("127.0.0.1",
                 host.host("queue").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT)) {
            final Consumer c = new Consumer(consumer, partitions);
            c.start();
            OUT.printf(Locale.ROOT, "policy=%s window=%d partitions=%d batchBytes=%d%n", policy, window, partitions,
                batch.readableBytes());
            round(producer, c, batch, produces / 4, window, partitions, "warm-up");
            for (int r = 0; r < rounds; r++) {
                round(producer, c, batch, produces, window, partitions, "round " + (r + 1));
            }
            c.stop();
        } finally {
            batch.release();
            TempDirs.deleteRecursively(dir);
        }
    }

    private static void round(final QueueClient producer, final Consumer c, final ByteBuf batch, final int produces,
                              final int window, final int partitions, final String name) throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> before = cpuByGroup(threads);
        final long cpuStart = processCpuNs();
        final long fetchesStart = c.answers.get();
        final long batchesStart = c.batches.get();
        final long wallStart = System.nanoTime();
        final long target = c.consumed.get() + produces;
        final Semaphore inFlight = new Semaphore(window);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < produces; i++) {
            inFlight.acquire();
            producer.produce(TOPIC, i % partitions, batch).whenComplete((offset, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(window);
        if (failure.get() != null) {
            throw new IllegalStateException("produce failed", failure.get());
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (c) {
            while (c.consumed.get() < target && System.nanoTime() < deadline) {
                c.wait(100);
            }
        }
        final long wallNs = System.nanoTime() - wallStart;
        final long cpuNs = processCpuNs() - cpuStart;
        final long fetches = c.answers.get() - fetchesStart;
        final long batches = c.batches.get() - batchesStart;
        OUT.printf(Locale.ROOT, "%-8s produces=%d wall=%.2f s (%.0f/s) cpu=%.2f us/produce fetch answers=%d"
                + " batches/answer=%.2f%n", name, produces, wallNs / 1e9, produces / (wallNs / 1e9),
            cpuNs / 1e3 / produces, fetches, batches / (double) Math.max(1, fetches));
        final Map<String, Long> after = cpuByGroup(threads);
        final StringBuilder line = new StringBuilder("         us/produce by thread:");
        for (final Map.Entry<String, Long> e : after.entrySet()) {
            final long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > produces * 50L) {
                line.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), d / 1e3 / produces));
            }
        }
        OUT.println(line);
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static Map<String, Long> cpuByGroup(final ThreadMXBean threads) {
        final Map<String, Long> out = new TreeMap<>();
        for (final ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            final long ns = threads.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(t.getThreadName().replaceAll("[0-9]+", "#"), ns, Long::sum);
            }
        }
        return out;
    }

    /** One long-poll fetch per partition, re-issued at the end offset of each answer. */
    private static final class Consumer {
        private final QueueClient client;
        private final long[] next;
        private final AtomicLong consumed = new AtomicLong();
        private final AtomicLong answers = new AtomicLong();
        private final AtomicLong batches = new AtomicLong();
        private final CountDownLatch stopped;
        private volatile boolean stopping;

        Consumer(final QueueClient client, final int partitions) {
            this.client = client;
            this.next = new long[partitions];
            this.stopped = new CountDownLatch(partitions);
        }

        void start() {
            for (int p = 0; p < next.length; p++) {
                issue(p);
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            stopped.await(5, TimeUnit.SECONDS);
        }

        private void issue(final int p) {
            if (stopping) {
                stopped.countDown();
                return;
            }
            client.fetch(new FetchRequest(TOPIC, p, next[p], 200, 1, 1 << 20)).whenComplete((r, e) -> {
                if (e != null) {
                    OUT.println("fetch failed: " + e);
                    stopped.countDown();
                    return;
                }
                try (FetchResponse response = r) {
                    final ByteBuf buf = response.records();
                    int at = buf.readerIndex();
                    long records = 0;
                    if (buf.isReadable()) {
                        answers.incrementAndGet();
                    }
                    while (at < buf.writerIndex()) {
                        final long base = buf.getLong(at + RecordBatchDescriptor.BASE_OFFSET_AT);
                        final int count = buf.getInt(at + RecordBatchDescriptor.RECORD_COUNT_AT);
                        records += base + count - Math.max(base, next[p]);
                        next[p] = base + count;
                        at += buf.getInt(at) + 4;
                        batches.incrementAndGet();
                    }
                    if (records > 0) {
                        consumed.addAndGet(records);
                        synchronized (this) {
                            notifyAll();
                        }
                    }
                }
                issue(p);
            });
        }
    }
}
