package io.metricstream.ingestion.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.FatalExceptionHandler;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.ingestion.format.InfluxLineParser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseLimits;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.RemoteWriteDecoder;
import io.metricstream.ingestion.format.RemoteWriteEncoder;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.IngestRing;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PartitionBatcherTest {
    private static final PartitionBatcher.Listener QUIET = TestListeners.QUIET;
    /** A sink that checks each batch, counts samples and completes (or fails) the futures it is told to. */
    private static final class Sink implements PartitionBatcher.BatchSink {
        final AtomicLong samples = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong directBatches = new AtomicLong();
        final List<Integer> batchBytes = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>();
        /** Per series key (hex), every timestamp in record order; and records per key. */
        final Map<String, List<Long>> timestamps = new ConcurrentHashMap<>();
        final Map<String, Integer> recordsPerKey = new ConcurrentHashMap<>();
        volatile boolean autoAck = true;

        @Override
        public CompletableFuture<Long> produce(final int partition, final ByteBuf batch) {
            // the future is listed before the samples are counted: a test that saw every sample sees every future
            final CompletableFuture<Long> f = new CompletableFuture<>();
            futures.add(f);
            final RecordBatchView view = new RecordBatchView().wrap(batch, 0);
            assertEquals(DecodeStatus.OK, view.check(batch.readableBytes(), 8 << 20));
            final RecordBatchView.RecordCursor c = new RecordBatchView.RecordCursor().reset(view);
            while (c.next()) {
                records.incrementAndGet();
                final int n = SampleRecordCodec.sampleCount(c.valueLength());
                samples.addAndGet(n);
                final String key = ByteBufUtil.hexDump(c.buffer(), c.keyAt(), c.keyLength());
                recordsPerKey.merge(key, 1, Integer::sum);
                final List<Long> ts = timestamps.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
                for (int i = 0; i < n; i++) {
                    ts.add(SampleRecordCodec.timestampMs(c.buffer(), c.valueAt(), i));
                }
            }
            batchBytes.add(batch.readableBytes());
            if (batch.isDirect()) {
                directBatches.incrementAndGet();
            }
            if (autoAck) {
                f.complete(0L);
            }
            return f;
        }
    }

    private static IngestRing ring(final PartitionBatcher batcher, final long lingerMs) {
        return new IngestRing(256, batcher, lingerMs, r -> {
            final Thread t = new Thread(r, "batcher-test");
            t.setDaemon(true);
            return t;
        }, new FatalExceptionHandler());
    }

    private static StagedSamples influx(final int lines, final int partitions) {
        return influx(lines, partitions, 0);
    }

    /** {@code lines} series {@code m,h=i}, one sample each at {@code tsBase + i}. */
    private static StagedSamples influx(final int lines, final int partitions, final long tsBase) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("m,h=").append(i).append(" v=").append(i).append(' ').append(tsBase + i).append('\n');
        }
        final byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, partitions, 1_000_000);
        assertEquals(ParseStatus.COMPLETE, new InfluxLineParser(ParseLimits.DEFAULT, false)
            .parse(b, 0, b.length, InfluxPrecision.MS, 0, s));
        return s;
    }

    @Test
    void shouldCompleteEveryRequestOnceWithAllSamplesWhenManyPublishersShareTheRing() throws Exception {
        final Sink sink = new Sink();
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 8192, 0, QUIET);
        final ConcurrentHashMap<IngestRequest, String> done = new ConcurrentHashMap<>();
        final AtomicLong completions = new AtomicLong();
        try (IngestRing ring = ring(batcher, 0)) {
            final List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final Thread th = new Thread(() -> {
                    for (int r = 0; r < 50; r++) {
                        final StagedSamples s = influx(1 + r * 7 % 300, 4);
                        ring.publish(new IngestRequest(s, 0, (req, f) -> {
                            completions.incrementAndGet();
                            done.put(req, f == null ? "ok" : f);
                        }));
                    }
                });
                publishers.add(th);
                th.start();
            }
            for (final Thread th : publishers) {
                th.join();
            }
            Awaits.await(Duration.ofSeconds(20), () -> completions.get() == 150, "150 completions");
        }
        long want = 0;
        for (int r = 0; r < 50; r++) {
            want += 3L * (1 + r * 7 % 300);
        }
        assertEquals(want, sink.samples.get());
        assertTrue(done.values().stream().allMatch("ok"::equals));
        assertTrue(sink.batchBytes.stream().allMatch(b -> b <= 8192 + 200), sink.batchBytes.toString());
    }

    @Test
    void shouldFailRequestWhenAnyOfItsBatchesFails() throws Exception {
        final Sink sink = new Sink();
        sink.autoAck = false;
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 0, QUIET);
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        try (IngestRing ring = ring(batcher, 0)) {
            ring.publish(new IngestRequest(influx(100, 4), 0, (req, f) -> outcome.complete(f == null ? "ok" : f)));
            Awaits.await(Duration.ofSeconds(10), () -> !sink.futures.isEmpty(), "a first batch");
            sink.futures.get(0).completeExceptionally(new IllegalStateException("disk full"));
            Awaits.await(Duration.ofSeconds(10), () -> {
                final boolean allAnsweredBefore = sink.futures.stream().allMatch(CompletableFuture::isDone);
                if (outcome.isDone()) {
                    assertTrue(allAnsweredBefore, "completed before every batch answered");
                    return true;
                }
                for (final CompletableFuture<Long> f : sink.futures) {
                    f.complete(1L);
                }
                return false;
            }, "the request to complete");
            assertEquals("disk full", outcome.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldCompleteRequestsOfOneAnswerInsideOneAckScopeWhenScopeIsSet() throws Exception {
        final Sink sink = new Sink();
        sink.autoAck = false;
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 0, QUIET);
        final ThreadLocal<Integer> scopeOf = new ThreadLocal<>();
        final AtomicLong scopes = new AtomicLong();
        batcher.ackScope(acks -> {
            scopeOf.set((int) scopes.incrementAndGet());
            try {
                acks.run();
            } finally {
                scopeOf.remove();
            }
        });
        final List<Integer> completedIn = new CopyOnWriteArrayList<>();
        try (IngestRing ring = ring(batcher, 0)) {
            // three requests, all published before the first answer: at most one batch each, then one batch for all
            for (int r = 0; r < 3; r++) {
                ring.publish(new IngestRequest(influx(5, 1, 100L * r), 0, (req, f) -> {
                    assertNull(f);
                    completedIn.add(scopeOf.get());
                }));
            }
            Awaits.await(Duration.ofSeconds(10), () -> sink.samples.get() == 15, () -> "samples " + sink.samples);
            final List<CompletableFuture<Long>> sent = List.copyOf(sink.futures);
            for (final CompletableFuture<Long> f : sent) {
                f.complete(0L);
            }
            Awaits.await(Duration.ofSeconds(10), () -> completedIn.size() == 3, "three completions");
            assertEquals(sent.size(), scopes.get(), "one scope per answered batch");
            assertTrue(completedIn.stream().allMatch(scope -> scope != null),
                "every completion ran inside a scope: " + completedIn);
        }
    }

    @Test
    void shouldWriteOneRecordPerSeriesRunWhenSeriesHasManySamples() throws Exception {
        final Sink sink = new Sink();
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 0, QUIET);
        final byte[] body = RemoteWriteEncoder.body(List.of(new RemoteWriteEncoder.Series(
            List.<String[]>of(new String[] {"__name__", "a"}), new long[] {1, 2, 3, 4}, new long[] {1, 2, 3, 4}),
            new RemoteWriteEncoder.Series(List.<String[]>of(new String[] {"__name__", "b"}), new long[] {1, 2},
                new long[] {1, 2})));
        final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, 1, 100);
        assertEquals(ParseStatus.COMPLETE, new RemoteWriteDecoder(ParseLimits.DEFAULT).decode(body, 0, body.length, s));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        try (IngestRing ring = ring(batcher, 0)) {
            ring.publish(new IngestRequest(s, 0, (req, f) -> outcome.complete(f)));
            assertNull(outcome.get(5, TimeUnit.SECONDS));
        }
        assertEquals(2, sink.records.get());
        assertEquals(6, sink.samples.get());
        assertEquals(sink.futures.size(), sink.directBatches.get(),
            "batches are direct, so the queue client sends them without a copy");
    }

    @Test
    void shouldFlushAfterLingerWhenRingStaysIdle() throws Exception {
        final Sink sink = new Sink();
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 20,
            QUIET);
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        try (IngestRing ring = ring(batcher, 20)) {
            ring.publish(new IngestRequest(influx(3, 1), 0, (req, f) -> outcome.complete(f)));
            assertNull(outcome.get(5, TimeUnit.SECONDS));
        }
        assertEquals(3, sink.samples.get());
    }

    @Test
    void shouldWriteOneRecordPerSeriesInTimestampOrderWhenRequestsShareABatch() throws Exception {
        final Sink sink = new Sink();
        sink.autoAck = false;
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 0, 1,
            QUIET);
        final AtomicLong completions = new AtomicLong();
        try (IngestRing ring = ring(batcher, 0)) {
            batcher.answerSignal(ring::signal);
            ring.publish(new IngestRequest(influx(10, 1, 0), 0, (req, f) -> completions.incrementAndGet()));
            Awaits.await(Duration.ofSeconds(10), () -> sink.futures.size() == 1, "the first batch");
            for (int r = 1; r <= 3; r++) {
                ring.publish(new IngestRequest(influx(10, 1, r * 100L), 0, (req, f) -> completions.incrementAndGet()));
            }
            Awaits.await(Duration.ofSeconds(10), () -> ring.occupancy() == 0, "the batcher to take every sample");
            assertEquals(1, sink.futures.size(), "a partial batch waits while the partition has 1 produce unanswered");
            sink.futures.get(0).complete(0L);
            Awaits.await(Duration.ofSeconds(10), () -> sink.futures.size() == 2, "the held batch after the answer");
            sink.futures.get(1).complete(1L);
            Awaits.await(Duration.ofSeconds(10), () -> completions.get() == 4, "4 completions");
        }
        assertEquals(40, sink.samples.get());
        assertEquals(20, sink.records.get(), "10 series in each of the 2 batches: one record per series per batch");
        assertEquals(10, sink.timestamps.size());
        for (final List<Long> ts : sink.timestamps.values()) {
            assertEquals(4, ts.size());
            for (int i = 1; i < ts.size(); i++) {
                assertEquals(ts.get(0) + i * 100L, ts.get(i), "series keeps its timestamp order: " + ts);
            }
        }
    }

    @Test
    void shouldSendOneRecordPerSeriesInOneBatchWhenRequestSpansManyRingClaims() throws Exception {
        final Sink sink = new Sink();
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, 1 << 20, 0, QUIET);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("m,h=").append(i % 3).append(" v=").append(i).append(' ').append(1000 + i).append('\n');
        }
        final byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        final StagedSamples s = new StagedSamples(PooledByteBufAllocator.DEFAULT, 1, 1_000);
        assertEquals(ParseStatus.COMPLETE, new InfluxLineParser(ParseLimits.DEFAULT, false)
            .parse(b, 0, b.length, InfluxPrecision.MS, 0, s));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        try (IngestRing ring = ring(batcher, 0)) {
            ring.publish(new IngestRequest(s, 0, (req, f) -> outcome.complete(f)));
            assertNull(outcome.get(5, TimeUnit.SECONDS));
        }
        // published in claims of 64 slots: the ring runs empty mid-request, yet the batch waits for the rest
        assertEquals(1, sink.futures.size(), "batches");
        assertEquals(3, sink.records.get());
        assertEquals(300, sink.samples.get());
        for (final List<Long> ts : sink.timestamps.values()) {
            assertEquals(100, ts.size());
            for (int i = 1; i < ts.size(); i++) {
                assertEquals(ts.get(i - 1) + 3, ts.get(i), "arrival order kept: " + ts);
            }
        }
    }
}
