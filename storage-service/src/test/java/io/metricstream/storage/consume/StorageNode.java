package io.metricstream.storage.consume;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.storage.StorageConfig;
import io.metricstream.storage.StorageService;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts a storage service in this JVM (tests) or as a child process main (crash tests). */
public final class StorageNode implements AutoCloseable {
    private final EmbeddedHost host;
    private final StorageService service;

    private StorageNode(final EmbeddedHost host, final StorageService service) {
        this.host = host;
        this.service = service;
    }

    /** Config with test-friendly settings plus {@code overrides}. */
    public static Config config(final Path dataDir, final int queuePort, final Map<String, String> overrides) {
        final Map<String, String> flags = new HashMap<>();
        flags.put("global.data_dir", dataDir.toString());
        flags.put("storage.http_port", "0");
        flags.put("storage.binary_port", "0");
        flags.put("storage.queue_address", "127.0.0.1:" + queuePort);
        flags.put("storage.checkpoint_interval_ms", "200ms");
        flags.put("storage.fetch_max_wait_ms", "100ms");
        flags.put("storage.session_timeout_ms", "3s");
        // the warm-up costs ~1-2 s per start; StorageServiceWarmupTest turns it on where it is the subject
        flags.put("storage.warmup_enabled", "false");
        flags.putAll(overrides);
        final ConfigOutcome out = new ConfigLoader(ConfigTable.merge(GlobalConfig.TABLE, StorageConfig.TABLE))
            .load(Optional.empty(), Map.of(), flags);
        if (!(out instanceof Config c)) {
            throw new IllegalArgumentException("bad test config: " + out);
        }
        return c;
    }

    /** Starts a node. */
    public static StorageNode start(final Config config) throws Exception {
        final StorageService service = new StorageService();
        return new StorageNode(EmbeddedHost.start(config, List.of(service)), service);
    }

    /** The service. */
    public StorageService service() {
        return service;
    }

    /** Bound binary port. */
    public int binaryPort() {
        final List<InetSocketAddress> a = host.host("storage").binaryAddresses();
        return a.getFirst().getPort();
    }

    /** Bound HTTP port. */
    public int httpPort() {
        return host.host("storage").httpAddresses().getFirst().getPort();
    }

    @Override
    public void close() {
        host.close();
    }

    /** Child-process entry: {@code <dataDir> <queuePort> <httpPort> <binaryPort>}; runs until killed. */
    public static void main(final String[] args) throws Exception {
        // the smallest chunk segments: every flushed or merged block spans several, so a kill -9 lands mid-segment
        final StorageNode node = start(config(Path.of(args[0]), Integer.parseInt(args[1]),
            Map.of("storage.http_port", args[2], "storage.binary_port", args[3],
                "storage.max_chunk_segment_bytes", "1KiB")));
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
