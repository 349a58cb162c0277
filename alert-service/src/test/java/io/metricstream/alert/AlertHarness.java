package io.metricstream.alert;

import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigOutcome;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.HttpProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts an {@link AlertService} in an {@link EmbeddedHost} with files in a directory. */
public final class AlertHarness implements AutoCloseable {
    private final EmbeddedHost host;
    private final AlertService service;

    private AlertHarness(EmbeddedHost host, AlertService service) {
        this.host = host;
        this.service = service;
    }

    /** Writes {@code rules} and {@code routing} into {@code dir} and starts a service with {@code extra} keys. */
    public static AlertHarness start(Path dir, String rules, String routing, String queryUrl,
                                     Map<String, String> extra) throws Exception {
        Files.writeString(dir.resolve("rules.yml"), rules, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("alertmanager.yml"), routing, StandardCharsets.UTF_8);
        final Map<String, String> flags = new HashMap<>();
        flags.put("global.data_dir", dir.resolve("data").toString());
        flags.put("global.profile", "test");
        flags.put("alert.http_port", "0");
        flags.put("alert.rule_files", dir.resolve("*.rules.yml") + "," + dir.resolve("rules.yml"));
        flags.put("alert.routing_file", dir.resolve("alertmanager.yml").toString());
        flags.put("alert.query_url", queryUrl);
        flags.put("alert.ingestion_url", queryUrl);
        flags.put("alert.queue_address", "");
        flags.put("alert.evaluation_interval_ms", "100");
        flags.put("alert.retry_initial_backoff_ms", "20");
        flags.put("alert.retry_max_backoff_ms", "100");
        flags.putAll(extra);
        final ConfigTable table = ConfigTable.merge(GlobalConfig.TABLE, AlertConfig.TABLE);
        final ConfigOutcome o = new ConfigLoader(table).load(Optional.empty(), Map.of(), flags);
        if (!(o instanceof Config config)) {
            throw new IllegalArgumentException("bad test config: " + o);
        }
        final AlertService service = new AlertService();
        return new AlertHarness(EmbeddedHost.start(config, List.of(service)), service);
    }

    /** The service. */
    public AlertService service() {
        return service;
    }

    /** Base URL of the HTTP API. */
    public String url() {
        return "http://127.0.0.1:" + host.host("alert").httpAddresses().getFirst().getPort();
    }

    /** GET path. */
    public HttpProbe.Response get(String path) {
        return HttpProbe.get(url() + path);
    }

    /** POST JSON to path. */
    public HttpProbe.Response post(String path, String json) {
        return HttpProbe.post(url() + path, "application/json", json);
    }

    @Override
    public void close() {
        host.close();
    }

    /** Helper for tests that need an IOException-free write. */
    public static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
