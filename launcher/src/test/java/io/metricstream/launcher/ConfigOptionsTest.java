package io.metricstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.alert.AlertConfig;
import io.metricstream.ingestion.IngestionConfig;
import io.metricstream.query.QueryConfig;
import io.metricstream.runtime.config.Config;
import io.metricstream.storage.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOptionsTest {
    @TempDir
    Path dir;

    private Config load(final boolean embedded, final Map<String, String> sets, final Map<String, String> env) {
        final ConfigOptions options = new ConfigOptions();
        options.file = null;   // launcher/ (the tests' working directory) has no metricstream.yml
        options.embedded = embedded;
        options.overrides.putAll(sets);
        return (Config) options.load(env);
    }

    @Test
    void shouldPointEveryClientAtMovedPortsWhenUpMovesThem() {
        final Config c = load(true, Map.of("queue.binary_port", "7570", "storage.binary_port", "7580",
            "query.http_port", "9590", "ingestion.http_port", "8580"), Map.of());
        assertEquals("local:queue", c.get(IngestionConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(StorageConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(AlertConfig.QUEUE_ADDRESS));
        assertEquals(List.of("127.0.0.1:7580"), c.get(QueryConfig.STORAGE_ADDRESSES));
        assertEquals("http://127.0.0.1:9590", c.get(AlertConfig.QUERY_URL));
        assertEquals("http://127.0.0.1:8580", c.get(AlertConfig.INGESTION_URL));
    }

    @Test
    void shouldKeepAddressesSetByTheUserWhenUpMovesPorts() throws Exception {
        final Path file = dir.resolve("ms.yml");
        Files.writeString(file, "storage:\n  queue_address: 10.0.0.9:7070\n");
        final ConfigOptions options = new ConfigOptions();
        options.file = file;
        options.embedded = true;
        options.overrides.putAll(Map.of("queue.binary_port", "7570", "ingestion.queue_address", "127.0.0.2:7070"));
        final Config c = (Config) options.load(Map.of());
        assertEquals("127.0.0.2:7070", c.get(IngestionConfig.QUEUE_ADDRESS));
        assertEquals("10.0.0.9:7070", c.get(StorageConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(AlertConfig.QUEUE_ADDRESS));
    }

    @Test
    void shouldUseTheBindAddressWhenTheStorageListensOnOne() {
        final Config c = load(true, Map.of("storage.binary_port", "7580", "storage.bind_address", "127.0.0.3"),
            Map.of());
        assertEquals(List.of("127.0.0.3:7580"), c.get(QueryConfig.STORAGE_ADDRESSES));
    }

    @Test
    void shouldUseTheInJvmQueueWhenUpRunsTheQueueEvenOnAnEphemeralPort() {
        final Config c = load(true, Map.of("queue.binary_port", "0"), Map.of());
        assertEquals("local:queue", c.get(IngestionConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(StorageConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(AlertConfig.QUEUE_ADDRESS));
    }

    @Test
    void shouldKeepATcpQueueAddressWhenSetInTheEnvironment() {
        final Config c = load(true, Map.of(), Map.of("METRICSTREAM_INGESTION_QUEUE_ADDRESS", "127.0.0.1:7070"));
        assertEquals("127.0.0.1:7070", c.get(IngestionConfig.QUEUE_ADDRESS));
        assertEquals("local:queue", c.get(StorageConfig.QUEUE_ADDRESS));
    }

    @Test
    void shouldLeaveDefaultsWhenNotEmbeddedOrPortsUnmoved() {
        assertEquals("127.0.0.1:7070", load(false, Map.of("queue.binary_port", "7570"), Map.of())
            .get(IngestionConfig.QUEUE_ADDRESS));
        final Config c = load(true, Map.of(), Map.of());
        assertEquals(List.of("127.0.0.1:7080"), c.get(QueryConfig.STORAGE_ADDRESSES));
        assertEquals("default", c.source(QueryConfig.STORAGE_ADDRESSES));
    }
}
