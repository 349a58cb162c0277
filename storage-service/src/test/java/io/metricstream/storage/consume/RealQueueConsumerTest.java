package io.metricstream.storage.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchWriter;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.testsupport.Awaits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage consumer against the REAL queue-service (a test-scope dependency, loaded by class name so that no
 * storage code imports another service): produce through QueueClient, select through StorageClient, restart the
 * storage and check every sample is there exactly once and the group offsets were committed.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealQueueConsumerTest {
    @TempDir
    Path dir;

    static Service queueService() throws ReflectiveOperationException {
        return (Service) Class.forName("io.metricstream.queue.QueueService").getDeclaredConstructor().newInstance();
    }

    @Test
    void shouldStoreEveryProducedSampleOnceWhenConsumingFromRealQueue() throws Exception {
        final Service queue = queueService();
        final ConfigOutcome qc = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, queue.configTable()))
            .load(Optional.empty(), Map.of(), Map.of("global.data_dir", dir.resolve("q").toString(),
                "queue.http_port", "0", "queue.binary_port", "0", "queue.topics", "metrics.inbound:2"));
        try (EmbeddedHost queueHost = EmbeddedHost.start((Config) qc, List.of(queue))) {
            final int queuePort = queueHost.host("queue").binaryAddresses().getFirst().getPort();
            long produced = 0;
            try (QueueClient client = new QueueClient("127.0.0.1", queuePort, ClientOptions.DEFAULT)) {
                for (int b = 0; b < 30; b++) {
                    for (int p = 0; p < 2; p++) {
                        produced += produce(client, p, b);
                    }
                }
            }
            final long expected = produced;
            for (int run = 0; run < 2; run++) {
                try (StorageNode node = StorageNode.start(StorageNode.config(dir.resolve("s"), queuePort, Map.of()));
                     StorageClient client = new StorageClient("127.0.0.1", node.binaryPort(),
                         ClientOptions.DEFAULT)) {
                    Awaits.await(Duration.ofSeconds(30), () -> InboundConsumerTest.safeTotal(client) == expected,
                        () -> "all " + expected + " samples; got " + InboundConsumerTest.safeTotal(client));
                    assertEquals(0, node.service().db().head().metrics().tooOld());
                    assertEquals(0, node.service().db().head().metrics().conflicts());
                    Awaits.await(Duration.ofSeconds(10), () -> committed(queuePort, 0) == 150
                        && committed(queuePort, 1) == 150, "offsets committed");
                }
            }
        }
    }

    private static long committed(final int port, final int partition) {
        try (QueueClient client = new QueueClient("127.0.0.1", port, ClientOptions.DEFAULT)) {
            return client.committedOffset("storage", "metrics.inbound", partition).get(5, TimeUnit.SECONDS);
        } catch (final Exception e) {
            return -2;
        }
    }

    static long produce(final QueueClient client, final int partition, final int b) throws Exception {
        final ByteBuf batch = Unpooled.buffer();
        long samples = 0;
        try {
            final RecordBatchWriter w = new RecordBatchWriter().begin(batch);
            final List<FakeQueueServer.Rec> recs = new ArrayList<>();
            for (int s = partition; s < 10; s += 2) {
                final LabelSet labels = InboundConsumerTest.series(s);
                recs.add(InboundConsumerTest.record(labels, InboundConsumerTest.T0 + b * 10 * 15_000L, 10));
                samples += 10;
            }
            // one record batch: 5 records (one per series of this partition), 10 samples each
            for (final FakeQueueServer.Rec r : recs) {
                w.appendRecord(0, Unpooled.wrappedBuffer(r.key()), 0, r.key().length,
                    Unpooled.wrappedBuffer(r.value()), 0, r.value().length);
            }
            w.finish();
            client.produce("metrics.inbound", partition, batch).get(10, TimeUnit.SECONDS);
            return samples;
        } finally {
            batch.release();
        }
    }
}
