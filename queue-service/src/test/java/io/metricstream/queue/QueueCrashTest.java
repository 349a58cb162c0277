package io.metricstream.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.testsupport.LoopbackPorts;
import io.metricstream.testsupport.ProcessHarness;
import io.metricstream.testsupport.TempDirs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** kill -9 a real queue process mid-produce; every acknowledged batch must come back byte for byte. */
@Tag("crash")
@Timeout(120)
class QueueCrashTest {
    private static final String TOPIC = "metrics.inbound";

    private record Acked(int partition, long baseOffset, byte[] bytes) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"every_batch", "group_commit"})
    void shouldReadEveryAckedOffsetWhenKilledMidProduce(final String policy) throws Exception {
        final Path dataDir = TempDirs.create("queue-crash");
        try {
            produceKillAndVerify(policy, dataDir);
        } finally {
            TempDirs.deleteRecursively(dataDir);
        }
    }

    private void produceKillAndVerify(final String policy, final Path dataDir) throws Exception {
        final int binary = LoopbackPorts.free();
        final int http = LoopbackPorts.free();
        final String[] args = {dataDir.toString(), Integer.toString(binary), Integer.toString(http), policy};
        final Map<Long, Acked> acked = new ConcurrentHashMap<>();
        final AtomicInteger produced = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicReference<Throwable> firstError =
            new java.util.concurrent.atomic.AtomicReference<>();
        try (ProcessHarness queue = ProcessHarness.start(QueueProcessMain.class, dataDir.resolve("run1.log"),
            List.of("-Xmx256m"), args)) {
            queue.awaitReady("http://127.0.0.1:" + http + "/ready", Duration.ofSeconds(30));
            try (QueueClient client = new QueueClient("127.0.0.1", binary, ClientOptions.DEFAULT)) {
                final Semaphore window = new Semaphore(64);
                final long start = System.nanoTime();
                final long minNs = TimeUnit.MILLISECONDS.toNanos(1500);
                final long maxNs = TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() - start < maxNs
                    && (System.nanoTime() - start < minNs || acked.size() < 200)) {
                    window.acquire();
                    final int n = produced.getAndIncrement();
                    final int partition = n % 4;
                    final ByteBuf batch = TestBatches.batch(1 + n % 7, 20 + n % 300, 1_000_000 + n);
                    final byte[] bytes = ByteBufUtil.getBytes(batch);
                    client.produce(TOPIC, partition, batch).whenComplete((base, e) -> {
                        batch.release();
                        window.release();
                        if (e == null) {
                            acked.put(((long) partition << 48) | base, new Acked(partition, base, bytes));
                        } else {
                            firstError.compareAndSet(null, e);
                        }
                    });
                }
                queue.kill9();
            }
        }
        assertTrue(acked.size() > 50, "acked " + acked.size() + " of " + produced.get() + "; " + firstError.get());
        try (ProcessHarness queue = ProcessHarness.start(QueueProcessMain.class, dataDir.resolve("run2.log"),
            List.of("-Xmx256m"), args)) {
            queue.awaitReady("http://127.0.0.1:" + http + "/ready", Duration.ofSeconds(30));
            try (QueueClient client = new QueueClient("127.0.0.1", binary, ClientOptions.DEFAULT)) {
                for (final Acked a : acked.values()) {
                    try (FetchResponse r = client.fetch(new FetchRequest(TOPIC, a.partition(), a.baseOffset(), 0, 1,
                        1)).get(10, TimeUnit.SECONDS)) {
                        final ByteBuf records = r.records();
                        final byte[] expected = a.bytes().clone();
                        java.nio.ByteBuffer.wrap(expected).putLong(RecordBatchDescriptor.BASE_OFFSET_AT,
                            a.baseOffset());
                        assertEquals(expected.length, records.readableBytes(), "batch at " + a);
                        assertTrue(ByteBufUtil.equals(records, records.readerIndex(),
                            io.netty.buffer.Unpooled.wrappedBuffer(expected), 0, expected.length),
                            "identical bytes at partition " + a.partition() + " offset " + a.baseOffset());
                    }
                }
            }
            queue.stop();
        }
        System.out.println("crash test " + policy + ": verified " + acked.size() + " acked batches of "
            + produced.get() + " sent");
    }
}
