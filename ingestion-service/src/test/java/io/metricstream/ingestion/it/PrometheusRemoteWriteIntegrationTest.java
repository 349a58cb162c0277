package io.metricstream.ingestion.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.SampleRecordCodec;
import io.metricstream.contracts.model.SeriesKeyCodec;
import io.metricstream.contracts.model.StaleMarker;
import io.metricstream.contracts.queue.FetchRequest;
import io.metricstream.contracts.queue.FetchResponse;
import io.metricstream.contracts.queue.QueueClient;
import io.metricstream.contracts.record.RecordBatchView;
import io.metricstream.contracts.wire.DecodeStatus;
import io.metricstream.ingestion.IngestionConfig;
import io.metricstream.ingestion.IngestionService;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.LoopbackPorts;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REAL Prometheus (Debian's {@code /usr/bin/prometheus}; skipped when absent) scrapes itself every second and
 * remote-writes to a real ingestion service, which produces to the REAL queue-service (a test-scope dependency,
 * loaded by class name so that no ingestion code imports another service). The test reads the topic back with
 * {@link QueueClient} FETCH, decodes the keys with {@link SeriesKeyCodec} and waits for Prometheus's own
 * {@code up{job="ms-self"}} samples; then it points the job at a port nobody listens on through {@code /-/reload}
 * and waits for the stale marker Prometheus writes for the target that disappeared, and for {@code up} 0 of the
 * new one. Everything is on loopback ephemeral ports and
 * bounded: ~40 s for the first samples, ~20 s for the stale marker, then Prometheus is stopped and reaped.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PrometheusRemoteWriteIntegrationTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final String TOPIC = "metrics.inbound";
    private static final int PARTITIONS = 2;
    private static final String JOB = "ms-self";

    @TempDir
    Path dir;

    /** One sample read back from the queue. */
    private record Got(LabelSet labels, long timestampMs, long valueBits) {
    }

    @Test
    void shouldDeliverUpSeriesAndItsStaleMarkerToRealQueueWhenRealPrometheusRemoteWrites() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "skipped: no Prometheus at " + PROMETHEUS
            + " (install Debian's 'prometheus' package to run this test)");
        final Service queue = (Service) Class.forName("io.metricstream.queue.QueueService")
            .getDeclaredConstructor().newInstance();
        final ConfigOutcome qc = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, queue.configTable()))
            .load(Optional.empty(), Map.of(), Map.of("global.data_dir", dir.resolve("queue").toString(),
                "queue.http_port", "0", "queue.binary_port", "0", "queue.topics", TOPIC + ":" + PARTITIONS));
        try (EmbeddedHost queueHost = EmbeddedHost.start((Config) qc, List.of(queue))) {
            final int queuePort = queueHost.host("queue").binaryAddresses().getFirst().getPort();
            final ConfigOutcome ic = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, IngestionConfig.TABLE))
                .load(Optional.empty(), Map.of(), Map.of("global.data_dir", dir.resolve("ingestion").toString(),
                    "ingestion.http_port", "0", "ingestion.queue_address", "127.0.0.1:" + queuePort));
            final EmbeddedHost ingestionHost = EmbeddedHost.start((Config) ic, List.of(new IngestionService()));
            try (QueueClient client = new QueueClient("127.0.0.1", queuePort, ClientOptions.DEFAULT)) {
                final int ingestionPort = ingestionHost.host("ingestion").httpAddresses().get(0).getPort();
                final String ingestion = "http://127.0.0.1:" + ingestionPort;
                Awaits.await(Duration.ofSeconds(10), () -> HttpProbe.statusOrMinusOne(ingestion + "/ready") == 200,
                    "ingestion ready (queue metadata known)");
                runPrometheus(client, ingestion);
            } finally {
                ingestionHost.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    private void runPrometheus(final QueueClient client, final String ingestion) throws Exception {
        final int port = LoopbackPorts.free();
        final String target = "127.0.0.1:" + port;
        final Path config = dir.resolve("prometheus.yml");
        final Path log = dir.resolve("prometheus.log");
        Files.writeString(config, config(target, ingestion), StandardCharsets.UTF_8);
        final Process prometheus = new ProcessBuilder(PROMETHEUS.toString(),
            "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
            "--web.listen-address=" + target, "--web.enable-lifecycle", "--log.level=info")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final Reader reader = new Reader(client);
        try {
            Awaits.await(Duration.ofSeconds(40), () -> {
                reader.poll();
                return reader.count(target, false) > 0;
            }, () -> "up{job=\"" + JOB + "\",instance=\"" + target + "\"} in the queue; read " + reader.size()
                + " samples; prometheus alive=" + prometheus.isAlive() + "; its log:\n" + tail(log));
            final Got up = reader.first(target);
            assertEquals(1.0, Double.longBitsToDouble(up.valueBits()), "up of a target that answers");
            assertTrue(Math.abs(up.timestampMs() - System.currentTimeMillis()) < 120_000, "a scrape time: " + up);

            // the stale-marker path: the job's target list changes; Prometheus marks the vanished target's series
            // stale about two intervals later (removing the whole job would not: its pool's context is cancelled)
            final String dead = "127.0.0.1:" + LoopbackPorts.free();
            Files.writeString(config, config(dead, ingestion), StandardCharsets.UTF_8);
            final HttpProbe.Response reload = HttpProbe.post("http://" + target + "/-/reload", "text/plain", "");
            assertEquals(200, reload.status(), reload.body());
            Awaits.await(Duration.ofSeconds(20), () -> {
                reader.poll();
                return reader.count(target, true) > 0;
            }, () -> "a stale marker for up{job=\"" + JOB + "\",instance=\"" + target + "\"}; log:\n" + tail(log));
            Awaits.await(Duration.ofSeconds(10), () -> {
                reader.poll();
                return reader.count(dead, false) > 0;
            }, () -> "up{instance=\"" + dead + "\"} of the target that does not answer; log:\n" + tail(log));
            assertEquals(0.0, Double.longBitsToDouble(reader.first(dead).valueBits()), "up of a dead target");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static String config(final String scrapeTarget, final String ingestion) {
        return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + "scrape_configs:\n  - job_name: " + JOB + "\n"
            + "    static_configs:\n      - targets: ['" + scrapeTarget + "']\n"
            + "remote_write:\n  - url: " + ingestion + "/api/v1/write\n"
            + "    queue_config:\n      batch_send_deadline: 1s\n      min_backoff: 100ms\n      max_backoff: 1s\n";
    }

    private static String tail(final Path log) {
        try {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (final IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Reads the topic's partitions from offset 0 on, keeping every sample of the series {@code up}. */
    private static final class Reader {
        private final QueueClient client;
        private final long[] next = new long[PARTITIONS];
        private final List<Got> ups = Collections.synchronizedList(new ArrayList<>());
        private final RecordBatchView view = new RecordBatchView();
        private final RecordBatchView.RecordCursor cursor = new RecordBatchView.RecordCursor();
        private long samples;

        Reader(final QueueClient client) {
            this.client = client;
        }

        void poll() {
            for (int p = 0; p < PARTITIONS; p++) {
                try (FetchResponse r = client.fetch(new FetchRequest(TOPIC, p, next[p], 100, 1, 1 << 20))
                    .get(5, TimeUnit.SECONDS)) {
                    read(p, r.records());
                } catch (final Exception e) {
                    throw new AssertionError("fetch of partition " + p + " failed", e);
                }
            }
        }

        private void read(final int partition, final ByteBuf records) {
            int at = records.readerIndex();
            final int end = records.writerIndex();
            while (at < end) {
                view.wrap(records, at);
                final DecodeStatus status = view.check(end - at, Integer.MAX_VALUE);
                assertEquals(DecodeStatus.OK, status, "batch at " + at + " of partition " + partition);
                cursor.reset(view);
                while (cursor.next()) {
                    if (cursor.offset() < next[partition]) {
                        continue;
                    }
                    next[partition] = cursor.offset() + 1;
                    final ByteBuf b = cursor.buffer();
                    assertEquals(DecodeStatus.OK, SeriesKeyCodec.check(b, cursor.keyAt(), cursor.keyLength()));
                    final LabelSet labels = SeriesKeyCodec.decode(b, cursor.keyAt(), cursor.keyLength());
                    final int n = SampleRecordCodec.sampleCount(cursor.valueLength());
                    samples += n;
                    if ("up".equals(labels.metricName())) {
                        for (int i = 0; i < n; i++) {
                            // raw bits: the stale marker is a signalling NaN, kept bit for bit
                            ups.add(new Got(labels, SampleRecordCodec.timestampMs(b, cursor.valueAt(), i),
                                b.getLong(cursor.valueAt() + i * SampleRecordCodec.SAMPLE_LENGTH + 8)));
                        }
                    }
                }
                at += view.totalLength();
            }
        }

        long size() {
            return samples;
        }

        long count(final String instance, final boolean stale) {
            synchronized (ups) {
                return ups.stream().filter(g -> JOB.equals(g.labels().get("job"))
                    && instance.equals(g.labels().get("instance"))
                    && (g.valueBits() == StaleMarker.BITS) == stale).count();
            }
        }

        Got first(final String instance) {
            synchronized (ups) {
                return ups.stream().filter(g -> instance.equals(g.labels().get("instance"))
                    && g.valueBits() != StaleMarker.BITS).findFirst().orElseThrow();
            }
        }
    }
}
