package io.metricstream.ingestion.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.IngestRing;
import io.metricstream.ingestion.ring.RingExceptions;
import io.metricstream.runtime.logging.DistinctErrorLog;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A batch that cannot be written (here: the allocator throws, as when direct memory runs out) fails the requests
 * whose samples it took — each completes exactly once, failed — whether the throw comes while a request's last run
 * is still being added (before the batcher seals it) or when the batch fills right after the last run (after the
 * seal); and the ring keeps going: later requests succeed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatcherFailureTest {
    /** Throws on the direct buffer calls whose numbers are in {@code failing} (1-based). */
    private static final class FailingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger calls = new AtomicInteger();
        final List<Integer> failing;

        FailingAllocator(final List<Integer> failing) {
            super(false);
            this.failing = failing;
        }

        @Override
        protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity) {
            if (failing.contains(calls.incrementAndGet())) {
                throw new OutOfMemoryError("test: direct memory exhausted");
            }
            return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity) {
            return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static final byte[] KEY = "series".getBytes(StandardCharsets.US_ASCII);

    private record Outcome(int completions, String failure) {
    }

    @Test
    void shouldFailTheRequestWhenItsBatchCannotBeWrittenWhileItsLastRunIsAdded() throws Exception {
        // request 0: 20 samples of one series; the first batch fills mid-run and cannot be written (before the seal)
        try (Rig rig = new Rig(List.of(1))) {
            rig.publish(0, 20);
            rig.awaitDone(0);
            rig.publish(1, 8);
            rig.awaitProduces(1);
            rig.answerAll();
            rig.awaitDone(1);
            rig.assertOutcomes("direct memory exhausted", null);
        }
    }

    @Test
    void shouldFailTheRequestOnlyAfterItsOtherBatchesAnswerWhenTheBatchAfterItsSealCannotBeWritten()
        throws Exception {
        // request 0: 16 samples; batch 1 (8) goes out and stays unanswered; batch 2 fills with the last run and
        // cannot be written (after the seal): the request must wait for batch 1, then fail — once
        try (Rig rig = new Rig(List.of(2))) {
            rig.publish(0, 16);
            rig.publish(1, 8);
            // request 1's batch is written after request 0's last event and its failure were handled
            rig.awaitProduces(2);
            assertEquals(3, rig.alloc.calls.get(), "direct buffers asked for: batch 1, batch 2 (failed), request 1's");
            assertFalse(rig.outcomes.containsKey(0), "request 0 answered before its first batch was: " + rig.outcomes);
            rig.answerAll();
            rig.awaitDone(0);
            rig.awaitDone(1);
            rig.assertOutcomes("direct memory exhausted", null);
        }
    }

    /** A real ring and batcher over a one-partition sink whose answers the test gives. */
    private static final class Rig implements AutoCloseable {
        final FailingAllocator alloc;
        final List<CompletableFuture<Long>> produced = new CopyOnWriteArrayList<>();
        final Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final IngestRing ring;

        Rig(final List<Integer> failingCalls) {
            alloc = new FailingAllocator(failingCalls);
            final PartitionBatcher.BatchSink sink = (partition, batch) -> {
                final CompletableFuture<Long> f = new CompletableFuture<>();
                produced.add(f);
                return f;
            };
            // exactly 8 samples of the one series fill a batch
            final int batchMaxBytes = RecordBatchDescriptor.HEADER_LENGTH + SeriesGroups.RECORD_OVERHEAD
                + KEY.length + 16 * 8;
            final PartitionBatcher batcher = new PartitionBatcher(sink, alloc, batchMaxBytes, 0,
                TestListeners.QUIET);
            final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(BatcherFailureTest.class),
                Duration.ofSeconds(10));
            ring = new IngestRing(64, batcher, 0, r -> {
                final Thread t = new Thread(r, "failure-batcher");
                t.setDaemon(true);
                return t;
            }, new RingExceptions(errors));
            batcher.answerSignal(ring::signal);
        }

        void publish(final int request, final int samples) {
            ring.publish(new IngestRequest(stage(samples), 0, (r, failure) -> {
                final Outcome was = outcomes.get(request);
                if (was != null) {
                    problems.add("request " + request + " completed twice");
                }
                outcomes.put(request, new Outcome(was == null ? 1 : was.completions() + 1, failure));
            }));
        }

        void awaitProduces(final int n) {
            Awaits.await(Duration.ofSeconds(30), () -> produced.size() >= n,
                () -> produced.size() + " of " + n + " batches produced");
        }

        void answerAll() {
            produced.forEach(f -> f.complete(0L));
        }

        void awaitDone(final int request) {
            Awaits.await(Duration.ofSeconds(30), () -> outcomes.containsKey(request),
                () -> "request " + request + " never completed (allocator calls " + alloc.calls.get() + ")");
        }

        void assertOutcomes(final String failure0, final String failure1) {
            assertTrue(problems.isEmpty(), problems.toString());
            assertEquals(1, outcomes.get(0).completions(), outcomes.toString());
            assertTrue(outcomes.get(0).failure() != null && outcomes.get(0).failure().contains(failure0),
                outcomes.toString());
            assertEquals(failure1, outcomes.get(1).failure(), outcomes.toString());
        }

        @Override
        public void close() {
            ring.close();
        }
    }

    private static StagedSamples stage(final int samples) {
        final StagedSamples s = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, 1, 1_000, 64);
        final int at = s.keys().writerIndex();
        s.keys().writeBytes(KEY);
        s.endSeries(at);
        for (int i = 0; i < samples; i++) {
            s.addSample(i, i);
        }
        return s;
    }
}
