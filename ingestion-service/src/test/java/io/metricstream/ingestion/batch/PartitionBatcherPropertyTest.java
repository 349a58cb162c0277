package io.metricstream.ingestion.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.FatalExceptionHandler;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.record.RecordBatchDescriptor;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.ingestion.ring.IngestRequest;
import io.metricstream.ingestion.ring.IngestRing;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.Seeds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random requests (series counts, run lengths, partitions, client ids, grouped or interleaved staging) through a
 * real ring into the batcher, with batches smaller than many runs, answers in random order and some failures: the
 * batches hold exactly the staged samples, in order per series and partition, and each request completes once,
 * only after every batch holding its samples answered, failed exactly when one of them failed. Replay a failure
 * with the printed seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionBatcherPropertyTest {
    private static final PartitionBatcher.Listener QUIET = TestListeners.QUIET;
    private static final int PUBLISHERS = 2;
    private static final int REQUESTS_PER_PUBLISHER = 60;

    /** A produced batch: its answer and the requests whose samples it holds. */
    private record Sent(CompletableFuture<Long> future, Set<Integer> requestIds) {
    }

    /** Decodes every batch (on the batcher thread) and leaves the answers to the acker. */
    private static final class Sink implements PartitionBatcher.BatchSink {
        final Map<String, List<Long>> got = new ConcurrentHashMap<>();
        final Map<Integer, List<Sent>> batchesOf = new ConcurrentHashMap<>();
        final LinkedBlockingQueue<CompletableFuture<Long>> unanswered = new LinkedBlockingQueue<>();
        final AtomicLong samples = new AtomicLong();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final int maxBatchBytes;

        Sink(final int maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
        }

        @Override
        public CompletableFuture<Long> produce(final int partition, final ByteBuf batch) {
            final CompletableFuture<Long> f = new CompletableFuture<>();
            final RecordBatchView view = new RecordBatchView().wrap(batch, 0);
            if (view.check(batch.readableBytes(), 64 << 20) != DecodeStatus.OK) {
                problems.add("bad batch");
            }
            if (batch.readableBytes() > maxBatchBytes) {
                problems.add("batch of " + batch.readableBytes() + " bytes; want <= " + maxBatchBytes);
            }
            final Set<Integer> ids = new HashSet<>();
            final RecordBatchView.RecordCursor c = new RecordBatchView.RecordCursor().reset(view);
            while (c.next()) {
                final int n = SampleRecordCodec.sampleCount(c.valueLength());
                final String key = partition + "/" + ByteBufUtil.hexDump(c.buffer(), c.keyAt(), c.keyLength());
                final List<Long> list = got.computeIfAbsent(key, k -> new ArrayList<>());
                for (int i = 0; i < n; i++) {
                    final long ts = SampleRecordCodec.timestampMs(c.buffer(), c.valueAt(), i);
                    final long bits = c.buffer().getLong(c.valueAt() + i * 16 + 8);
                    list.add(ts);
                    list.add(bits);
                    ids.add((int) (bits >>> 32));
                }
                samples.addAndGet(n);
            }
            final Sent sent = new Sent(f, ids);
            for (final int id : ids) {
                batchesOf.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(sent);
            }
            unanswered.add(f);
            return f;
        }
    }

    @Test
    void shouldBatchExactlyTheStagedSamplesInOrderAndAckEachRequestAfterAllItsBatchesWhenRunsAreRandom()
        throws Exception {
        final long seed = Seeds.seed();
        System.err.println("PartitionBatcherPropertyTest seed " + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 4; trial++) {
            trial(random.split(), "seed " + seed + " trial " + trial);
        }
    }

    private static void trial(final SplittableRandom random, final String where) throws Exception {
        final int partitions = 1 + random.nextInt(8);
        // 8..128 samples of one series per batch: many runs are longer and must be split
        final int batchMaxBytes = RecordBatchDescriptor.HEADER_LENGTH + 64 + 16 * (8 + random.nextInt(120));
        final int maxInflight = random.nextInt(3);
        final long lingerMs = random.nextInt(4) == 0 ? 1 : 0;
        final int maxKeyLength = 16;
        final Sink sink = new Sink(batchMaxBytes + SeriesGroups.RECORD_OVERHEAD + maxKeyLength + 16);
        final PartitionBatcher batcher = new PartitionBatcher(sink, PooledByteBufAllocator.DEFAULT, batchMaxBytes,
            lingerMs, maxInflight, QUIET);
        final Map<String, List<Long>> want = new ConcurrentHashMap<>();
        final Map<Integer, String> outcomes = new ConcurrentHashMap<>();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger nextId = new AtomicInteger();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final SplittableRandom ackRandom = random.split();
        final Thread acker = new Thread(() -> answer(sink, ackRandom), "property-acker");
        acker.setDaemon(true);
        acker.start();
        long published = 0;
        try (IngestRing ring = new IngestRing(64, batcher, lingerMs, r -> {
            final Thread t = new Thread(r, "property-batcher");
            t.setDaemon(true);
            return t;
        }, new FatalExceptionHandler())) {
            batcher.answerSignal(ring::signal);
            final List<Thread> publishers = new ArrayList<>();
            final long[] samples = new long[PUBLISHERS];
            for (int p = 0; p < PUBLISHERS; p++) {
                final int publisher = p;
                final SplittableRandom own = random.split();
                final Thread t = new Thread(() -> {
                    for (int r = 0; r < REQUESTS_PER_PUBLISHER; r++) {
                        final int id = nextId.getAndIncrement();
                        final StagedSamples staged = stage(own, publisher, id, partitions);
                        samples[publisher] += staged.sampleCount();
                        expect(staged, want);
                        ring.publish(new IngestRequest(staged, 0, (req, failure) -> {
                            check(sink, id, failure, problems);
                            if (outcomes.put(id, failure == null ? "ok" : failure) != null) {
                                problems.add("request " + id + " completed twice");
                            }
                            completions.incrementAndGet();
                        }));
                    }
                }, "property-publisher-" + p);
                publishers.add(t);
                t.start();
            }
            for (final Thread t : publishers) {
                t.join();
            }
            for (final long n : samples) {
                published += n;
            }
            final int requests = PUBLISHERS * REQUESTS_PER_PUBLISHER;
            Awaits.await(Duration.ofSeconds(60), () -> completions.get() >= requests,
                () -> where + ": " + completions.get() + " of " + requests + " requests completed");
        } finally {
            acker.interrupt();
            acker.join();
        }
        assertTrue(problems.isEmpty(), where + ": " + problems);
        assertTrue(sink.problems.isEmpty(), where + ": " + sink.problems);
        assertEquals(published, sink.samples.get(), where + ": samples in batches");
        assertEquals(want.keySet(), sink.got.keySet(), where + ": (partition, series) pairs");
        for (final Map.Entry<String, List<Long>> e : want.entrySet()) {
            assertEquals(e.getValue(), sink.got.get(e.getKey()), where + ": samples of " + e.getKey());
        }
    }

    /**
     * One request of {@code id}: runs of 1..40 of the publisher's series (keys distinct across publishers, shared
     * by its requests), 1..12 samples long, or 100..300 (longer than a batch) one time in 8; a series may come back
     * in a later run; sometimes a client id (one partition for the whole request), sometimes grouped by series as
     * the Influx handler does. Value bits carry (id, sample index), so a batch tells which requests it holds.
     */
    private static StagedSamples stage(final SplittableRandom random, final int publisher, final int id,
                                       final int partitions) {
        final StagedSamples s = new StagedSamples(UnpooledByteBufAllocator.DEFAULT, partitions, 1_000_000, 64);
        if (random.nextInt(4) == 0) {
            s.clientHash(random.nextLong());
        }
        final int series = 1 + random.nextInt(40);
        final int[] keyAt = new int[series];
        final int[] keyLength = new int[series];
        final long[] hash = new long[series];
        final int[] partition = new int[series];
        final int[] ordinal = new int[series];
        Arrays.fill(keyAt, -1);
        final int runs = series + random.nextInt(series + 1);
        int index = 0;
        for (int r = 0; r < runs; r++) {
            final int key = random.nextInt(series);
            if (keyAt[key] < 0) {
                keyAt[key] = s.keys().writerIndex();
                s.keys().writeBytes(("p" + publisher + "s" + key).getBytes(StandardCharsets.US_ASCII));
                s.endSeries(keyAt[key]);
                keyLength[key] = s.seriesKeyLength();
                hash[key] = s.seriesHash();
                partition[key] = s.seriesPartition();
                ordinal[key] = s.seriesOrdinal();
            } else {
                s.reuseSeries(keyAt[key], keyLength[key], hash[key], partition[key], ordinal[key]);
            }
            final int length = random.nextInt(8) == 0 ? 100 + random.nextInt(201) : 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                s.addSample(random.nextLong(), (long) id << 32 | index++);
            }
        }
        if (random.nextBoolean()) {
            s.groupBySeries(new int[4]);
        }
        return s;
    }

    /** Appends the staged samples, in publish order, to what each (partition, series) must receive. */
    private static void expect(final StagedSamples s, final Map<String, List<Long>> want) {
        for (int i = 0; i < s.sampleCount(); i++) {
            final String key = s.partition(i) + "/" + ByteBufUtil.hexDump(s.keys(), s.keyAt(i), s.keyLength(i));
            final List<Long> list = want.computeIfAbsent(key, k -> new ArrayList<>());
            list.add(s.timestampMs(i));
            list.add(s.valueBits(i));
        }
    }

    /** At a request's completion: every batch holding its samples answered, and it failed iff one of them did. */
    private static void check(final Sink sink, final int id, final String failure, final List<String> problems) {
        final List<Sent> batches = sink.batchesOf.getOrDefault(id, List.of());
        if (batches.isEmpty()) {
            problems.add("request " + id + " completed with no batch holding its samples");
        }
        boolean anyFailed = false;
        for (final Sent b : batches) {
            if (!b.future().isDone()) {
                problems.add("request " + id + " completed before one of its batches answered");
            }
            anyFailed |= b.future().isCompletedExceptionally();
        }
        if (anyFailed != (failure != null)) {
            problems.add("request " + id + " failure=" + failure + " but a batch failed=" + anyFailed);
        }
    }

    /** Answers produced batches in random order, about 1 in 20 with a failure, until interrupted. */
    private static void answer(final Sink sink, final SplittableRandom random) {
        final List<CompletableFuture<Long>> held = new ArrayList<>();
        try {
            while (true) {
                final CompletableFuture<Long> f = sink.unanswered.poll(1, TimeUnit.MILLISECONDS);
                if (f != null) {
                    held.add(f);
                    sink.unanswered.drainTo(held);
                }
                if (!held.isEmpty()) {
                    final CompletableFuture<Long> pick = held.remove(random.nextInt(held.size()));
                    if (random.nextInt(20) == 0) {
                        pick.completeExceptionally(new IllegalStateException("disk full"));
                    } else {
                        pick.complete(0L);
                    }
                }
            }
        } catch (final InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }
}
