package io.metricstream.ingestion.it;

import io.metricstream.ingestion.IngestionConfig;
import io.metricstream.ingestion.IngestionService;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Starts a real ingestion service on an ephemeral loopback port, talking to a {@link FakeQueue}. */
final class IngestionHarness implements AutoCloseable {
    final FakeQueue queue;
    final EmbeddedHost host;
    final String base;
    final HttpClient client;
    private final Path dataDir;

    IngestionHarness(final Map<String, String> overrides) throws Exception {
        this(overrides, 4, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build(), "http");
    }

    IngestionHarness(final Map<String, String> overrides, final int partitions, final HttpClient client,
                     final String scheme) throws Exception {
        this.queue = new FakeQueue("metrics.inbound", partitions);
        final Path dir = Files.createTempDirectory("ingestion-it");
        this.dataDir = dir;
        final Map<String, String> flags = new HashMap<>();
        flags.put("global.data_dir", dir.toString());
        flags.put("ingestion.http_port", "0");
        flags.put("ingestion.queue_address", "127.0.0.1:" + queue.port());
        flags.put("ingestion.queue_timeout_ms", "1000");
        flags.putAll(overrides);
        final ConfigOutcome outcome = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, IngestionConfig.TABLE))
            .load(Optional.empty(), Map.of(), flags);
        if (!(outcome instanceof Config config)) {
            queue.close();
            TempDirs.deleteRecursively(dir);
            throw new IllegalArgumentException("bad test config: " + outcome);
        }
        try {
            this.host = EmbeddedHost.start(config, java.util.List.of(new IngestionService()));
        } catch (final Exception e) {
            queue.close();
            TempDirs.deleteRecursively(dir);
            throw e;
        }
        this.base = scheme + "://127.0.0.1:" + host.host("ingestion").httpAddresses().get(0).getPort();
        this.client = client;
    }

    HttpResponse<String> post(final String path, final byte[] body, final String... headers) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        host.shutdown(Duration.ofSeconds(2));
        queue.close();
        TempDirs.deleteRecursively(dataDir);
    }
}
