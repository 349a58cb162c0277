package io.metricstream.launcher;

import io.metricstream.alert.AlertConfig;
import io.metricstream.ingestion.IngestionConfig;
import io.metricstream.query.QueryConfig;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigKey;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.config.ServiceKeys;
import io.metricstream.storage.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command that loads configuration shares. */
final class ConfigOptions {
    /** The file used when --config is absent and it exists. */
    static final Path DEFAULT_FILE = Path.of("metricstream.yml");

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML config file (default: ./metricstream.yml when it exists, else all defaults).")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (overrides global.data_dir).")
    Path dataDir;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Override one key; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    Optional<Path> effectiveFile() {
        if (file != null) {
            return Optional.of(file);
        }
        return Files.isRegularFile(DEFAULT_FILE) ? Optional.of(DEFAULT_FILE) : Optional.empty();
    }

    /** The queue's in-JVM address under {@code up} (EmbeddedHost binds each binary server as local:SERVICE). */
    static final String IN_PROCESS_QUEUE = "local:queue";

    /** Set by {@code up}: every service runs in this process (see {@link #loadEmbedded}). */
    boolean embedded;

    ConfigOutcome load(Map<String, String> env) {
        return embedded ? loadEmbedded(env) : load(env, Map.of());
    }

    /**
     * For {@code up}, where every service runs in this process: loads, then points each client address still at
     * its default at the server in this process: the queue clients of ingestion, storage and alert at
     * {@code local:queue} (the in-JVM transport: same frames, no loopback TCP), query's storage client and alert's
     * HTTP clients at the port their server binds here, so moving a port with {@code --set queue.binary_port=...}
     * moves its clients too instead of leaving them on another process's default port. Addresses set anywhere are
     * kept (set {@code ingestion.queue_address=127.0.0.1:7070} to go through TCP).
     */
    private ConfigOutcome loadEmbedded(Map<String, String> env) {
        final ConfigOutcome first = load(env, Map.of());
        if (!(first instanceof Config config)) {
            return first;
        }
        final Map<String, String> derived = new LinkedHashMap<>();
        derive(config, derived, IngestionConfig.QUEUE_ADDRESS, IN_PROCESS_QUEUE);
        derive(config, derived, StorageConfig.QUEUE_ADDRESS, IN_PROCESS_QUEUE);
        derive(config, derived, AlertConfig.QUEUE_ADDRESS, IN_PROCESS_QUEUE);
        derive(config, derived, QueryConfig.STORAGE_ADDRESSES, address(config, "storage", StorageConfig.BINARY_PORT));
        final String query = address(config, "query", QueryConfig.HTTP_PORT);
        derive(config, derived, AlertConfig.QUERY_URL, query == null ? null : "http://" + query);
        final String ingestion = address(config, "ingestion", IngestionConfig.HTTP_PORT);
        derive(config, derived, AlertConfig.INGESTION_URL, ingestion == null ? null : "http://" + ingestion);
        return derived.isEmpty() ? first : load(env, derived);
    }

    /** host:port where {@code section}'s server listens in this process, or null for an ephemeral port. */
    private static String address(Config config, String section, ConfigKey<Integer> port) {
        final int p = config.get(port);
        if (p == 0) {
            return null;
        }
        final String bind = (String) config.get(section + "." + ServiceKeys.BIND_ADDRESS);
        final boolean wildcard = bind == null || bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
        return (wildcard ? "127.0.0.1" : bind.contains(":") ? "[" + bind + "]" : bind) + ":" + p;
    }

    private static void derive(Config config, Map<String, String> derived, ConfigKey<?> key, String value) {
        if (value != null && config.source(key).equals("default")
            && !String.valueOf(config.get(key)).equals(value) && !config.get(key).equals(List.of(value))) {
            derived.put(key.name(), value);
        }
    }

    private ConfigOutcome load(Map<String, String> env, Map<String, String> derived) {
        final Map<String, String> flags = new LinkedHashMap<>(derived);
        flags.putAll(overrides);
        if (dataDir != null) {
            flags.put(GlobalConfig.DATA_DIR.name(), dataDir.toString());
        }
        return new ConfigLoader(Services.table()).load(effectiveFile(), env, flags);
    }
}
