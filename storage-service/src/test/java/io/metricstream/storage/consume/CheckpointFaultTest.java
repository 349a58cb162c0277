package io.metricstream.storage.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.runtime.metrics.MetricsRegistry;
import io.metricstream.storage.db.DbOptions;
import io.metricstream.storage.db.TimeSeriesDb;
import io.metricstream.storage.head.HeadCheckpoint;
import io.metricstream.storage.head.HeadMetrics;
import io.metricstream.storage.head.HeadOptions;
import io.metricstream.storage.select.Querier;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.FaultyFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A head checkpoint write that fails (disk full, IO error) while maintenance goes on: the flush before it moves head
 * chunks into a block and drops them from the head, the checkpoint fails, and the process then dies. The consumer
 * must not commit a queue offset past the last checkpoint that made it to disk, and the restart (old checkpoint,
 * the flushed block, replay from the old checkpoint's offset) must hold every sample exactly once with its value.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointFaultTest {
    private static final long T0 = InboundConsumerTest.T0;
    private static final long HOUR = 3_600_000L;
    // 1 h blocks: a head reaching T0 + 125 min flushes [T0, T0 + 1 h) into a block
    private static final DbOptions OPTIONS = new DbOptions(new HeadOptions(120, HOUR, HOUR / 2, 1000, 16, 256), 0,
        0, 3, 4, DbOptions.DEFAULT_ROLLUP_MIN_SPAN_MS);
    private static final int SERIES = 4;
    private static final List<LabelMatcher> CPU = List.of(LabelMatcher.eq("__name__", "cpu"));

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FaultyFileChannel.Fault.class)
    void shouldStoreEverySampleOnceWhenCrashedAfterAFailedCheckpoint(final FaultyFileChannel.Fault fault)
        throws Exception {
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger faults = new AtomicInteger();
        final HeadCheckpoint.FileOpener opener = path -> {
            if (!failing.get()) {
                return HeadCheckpoint.FileOpener.DEFAULT.open(path);
            }
            faults.incrementAndGet();
            return new FaultyFileChannel(HeadCheckpoint.FileOpener.DEFAULT.open(path), 100, fault);
        };
        try (FakeQueueServer queue = new FakeQueueServer(1)) {
            final List<FakeQueueServer.Rec> first = new ArrayList<>();
            final List<FakeQueueServer.Rec> second = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                first.add(InboundConsumerTest.record(InboundConsumerTest.series(s), T0, 100));
                second.add(InboundConsumerTest.record(InboundConsumerTest.series(s), T0 + 100 * 15_000L, 400));
            }
            queue.append(0, first);
            TimeSeriesDb db = TimeSeriesDb.open(dir, OPTIONS, new HeadMetrics(new MetricsRegistry()));
            db.checkpointOpener(opener);
            final long durable;
            try (QueueClient client = new QueueClient("127.0.0.1", queue.port(), ClientOptions.DEFAULT)) {
                final InboundConsumer consumer = new InboundConsumer(db, client, settings());
                consumer.start();
                Awaits.await(Duration.ofSeconds(20), () -> queue.committed(0) == queue.highWatermark(0),
                    "the first records checkpointed and committed");
                durable = queue.committed(0);
                failing.set(true);
                queue.append(0, second);
                final TimeSeriesDb running = db;
                Awaits.await(Duration.ofSeconds(20), () -> consumer.recordsApplied() == 2 * SERIES
                    && !running.blocks().isEmpty() && faults.get() >= 3,
                    "the second records applied, a block flushed and checkpoints failing");
                assertEquals(durable, queue.committed(0), "no commit past the last checkpoint on disk");
                // the crash: the head's memory is gone; what is on disk stays (close's last checkpoint fails too)
                consumer.close();
                assertEquals(durable, queue.committed(0), "no commit past the last checkpoint on disk");
                db.close();
            }
            assertTrue(Files.exists(dir.resolve(HeadCheckpoint.FILE)), "the checkpoint before the faults is kept");
            db = TimeSeriesDb.open(dir, OPTIONS, new HeadMetrics(new MetricsRegistry()));
            try (QueueClient client = new QueueClient("127.0.0.1", queue.port(), ClientOptions.DEFAULT);
                 InboundConsumer consumer = new InboundConsumer(db, client, settings())) {
                assertEquals(durable, db.recoveredOffsets().get(0), "replay starts at the checkpoint on disk");
                consumer.start();
                Awaits.await(Duration.ofSeconds(20), () -> queue.committed(0) == queue.highWatermark(0),
                    "the replayed records checkpointed and committed");
                assertEquals(expected(), stored(db));
                assertEquals(0, db.head().metrics().conflicts());
            } finally {
                db.close();
            }
        }
    }

    private static InboundConsumer.Settings settings() {
        return new InboundConsumer.Settings("metrics.inbound", "storage", 10_000, 50, 1 << 20, 50, 5_000);
    }

    // series -> every (timestamp, value) the queue holds, as InboundConsumerTest.record writes them
    private static Map<String, Map<Long, Double>> expected() {
        final Map<String, Map<Long, Double>> want = new TreeMap<>();
        for (int s = 0; s < SERIES; s++) {
            final Map<Long, Double> samples = new TreeMap<>();
            for (int i = 0; i < 500; i++) {
                final long ts = T0 + i * 15_000L;
                final long batchStart = i < 100 ? T0 : T0 + 100 * 15_000L;
                final int inBatch = i < 100 ? i : i - 100;
                samples.put(ts, (batchStart / 1000 + inBatch) / 100.0);
            }
            want.put(InboundConsumerTest.series(s).toString(), samples);
        }
        return want;
    }

    private static Map<String, Map<Long, Double>> stored(final TimeSeriesDb db) throws Exception {
        final Map<String, Map<Long, Double>> got = new TreeMap<>();
        new Querier(db).select(CPU, Long.MIN_VALUE, Long.MAX_VALUE, 0, (labels, samples) -> {
            final Map<Long, Double> m = new TreeMap<>();
            for (int i = 0; i < samples.size(); i++) {
                assertTrue(i == 0 || samples.timestampAt(i) > samples.timestampAt(i - 1), "sorted, each once");
                m.put(samples.timestampAt(i), Double.longBitsToDouble(samples.valueBitsAt(i)));
            }
            got.put(labels.toString(), m);
        });
        return got;
    }
}
