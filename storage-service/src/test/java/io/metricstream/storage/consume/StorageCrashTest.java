package io.metricstream.storage.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.LoopbackPorts;
import io.metricstream.testsupport.ProcessHarness;
import io.metricstream.testsupport.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real storage process while it ingests from the (fake) queue; after a restart every sample the queue
 * acknowledged is readable exactly once, with its exact value.
 */
@Tag("crash")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StorageCrashTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadEveryAcknowledgedSampleExactlyOnceWhenKilledMidIngest() throws Exception {
        final long seed = Seeds.seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        try (FakeQueueServer queue = new FakeQueueServer(2)) {
            final int http = LoopbackPorts.free();
            final int binary = LoopbackPorts.free();
            final long[] produced = {0};
            final int[] batch = {0};
            final Runnable produce = () -> {
                for (int p = 0; p < 2; p++) {
                    final List<FakeQueueServer.Rec> recs = new ArrayList<>();
                    for (int s = p; s < 20; s += 2) {
                        recs.add(InboundConsumerTest.record(InboundConsumerTest.series(s),
                            InboundConsumerTest.T0 + batch[0] * 20 * 15_000L, 20));
                        produced[0] += 20;
                    }
                    queue.append(p, recs);
                }
                batch[0]++;
            };
            for (int i = 0; i < 50; i++) {
                produce.run();
            }
            try (ProcessHarness child = start(queue, http, binary, "run1")) {
                for (int i = 0; i < 100 + rnd.nextInt(100); i++) {
                    produce.run();
                }
                Awaits.await(Duration.ofSeconds(20), () -> queue.committed(0) > 0, "a first commit");
                child.kill9();
            }
            for (int i = 0; i < 20; i++) {
                produce.run();
            }
            try (ProcessHarness child = start(queue, http, binary, "run2");
                 StorageClient client = new StorageClient("127.0.0.1", binary, ClientOptions.DEFAULT)) {
                final long expected = produced[0];
                Awaits.await(Duration.ofSeconds(40), () -> InboundConsumerTest.safeTotal(client) == expected,
                    () -> "all " + expected + " samples after restart; got " + InboundConsumerTest.safeTotal(client)
                        + "; status " + io.metricstream.testsupport.HttpProbe.get("http://127.0.0.1:" + http
                        + "/api/v1/status") + "; log:\n" + child.log());
                for (final SeriesSamples s : client.select(new SelectRequest(Long.MIN_VALUE, Long.MAX_VALUE, 0,
                    List.of(LabelMatcher.eq("__name__", "cpu")))).get(10, TimeUnit.SECONDS)) {
                    for (int i = 0; i < s.size(); i++) {
                        assertEquals(InboundConsumerTest.T0 + i * 15_000L, s.timestamps()[i]);
                        final long from = InboundConsumerTest.T0 + (i / 20) * 20 * 15_000L;
                        assertEquals((from / 1000 + i % 20) / 100.0, s.values()[i],
                            "value of " + s.labels() + " sample " + i);
                    }
                }
                child.stop();
            }
            assertTrue(blocksOfManySegments(dir.resolve("data-run")) > 0, "blocks spanning chunk segments");
        }
    }

    @Test
    void shouldReadEveryAcknowledgedSampleExactlyOnceWhenKilledMidIngestFromRealQueue() throws Exception {
        final Service queue = RealQueueConsumerTest.queueService();
        final ConfigOutcome qc = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, queue.configTable()))
            .load(Optional.empty(), Map.of(), Map.of("global.data_dir", dir.resolve("q").toString(),
                "queue.http_port", "0", "queue.binary_port", "0", "queue.topics", "metrics.inbound:2"));
        try (EmbeddedHost queueHost = EmbeddedHost.start((Config) qc, List.of(queue));
             QueueClient producer = new QueueClient("127.0.0.1",
                 queueHost.host("queue").binaryAddresses().getFirst().getPort(), ClientOptions.DEFAULT)) {
            final int queuePort = queueHost.host("queue").binaryAddresses().getFirst().getPort();
            final int http = LoopbackPorts.free();
            final int binary = LoopbackPorts.free();
            long acked = 0;
            int batch = 0;
            for (; batch < 50; batch++) {
                acked += RealQueueConsumerTest.produce(producer, batch % 2, batch / 2);
            }
            try (ProcessHarness child = start(queuePort, http, binary, "real1")) {
                final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (System.nanoTime() - until < 0) {
                    acked += RealQueueConsumerTest.produce(producer, batch % 2, batch / 2);
                    batch++;
                }
                child.kill9();
            }
            try (ProcessHarness child = start(queuePort, http, binary, "real2");
                 StorageClient client = new StorageClient("127.0.0.1", binary, ClientOptions.DEFAULT)) {
                final long expected = acked;
                Awaits.await(Duration.ofSeconds(40), () -> InboundConsumerTest.safeTotal(client) == expected,
                    () -> "all " + expected + " acknowledged samples; got " + InboundConsumerTest.safeTotal(client)
                        + "; log:\n" + child.log());
                for (final SeriesSamples s : client.select(new SelectRequest(Long.MIN_VALUE, Long.MAX_VALUE, 0,
                    List.of(LabelMatcher.eq("__name__", "cpu")))).get(10, TimeUnit.SECONDS)) {
                    for (int i = 0; i < s.size(); i++) {
                        final long from = InboundConsumerTest.T0 + (i / 10) * 10 * 15_000L;
                        assertEquals(from + (i % 10) * 15_000L, s.timestamps()[i]);
                        assertEquals((from / 1000 + i % 10) / 100.0, s.values()[i], "value of " + s.labels());
                    }
                }
                child.stop();
            }
        }
    }

    /** Blocks with a second chunk segment (StorageNode's child writes 1 KiB segments). */
    private static long blocksOfManySegments(final Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(p -> p.endsWith(Path.of("chunks", "000002"))).count();
        }
    }

    private ProcessHarness start(final FakeQueueServer queue, final int http, final int binary, final String log) {
        return start(queue.port(), http, binary, log);
    }

    private ProcessHarness start(final int queuePort, final int http, final int binary, final String log) {
        return ProcessHarness.start(StorageNode.class, dir.resolve(log + ".log"), List.of("-Xmx256m"),
            dir.resolve("data-" + log.substring(0, 3)).toString(), Integer.toString(queuePort), Integer.toString(http),
            Integer.toString(binary)).awaitReady("http://127.0.0.1:" + http + "/ready", Duration.ofSeconds(30));
    }
}
