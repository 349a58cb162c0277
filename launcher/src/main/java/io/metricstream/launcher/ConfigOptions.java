package io.metricstream.launcher;

import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.GlobalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    ConfigOutcome load(Map<String, String> env) {
        final Map<String, String> flags = new LinkedHashMap<>(overrides);
        if (dataDir != null) {
            flags.put(GlobalConfig.DATA_DIR.name(), dataDir.toString());
        }
        return new ConfigLoader(Services.table()).load(effectiveFile(), env, flags);
    }
}
