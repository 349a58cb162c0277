package io.metricstream.query;

import io.metricstream.query.remote.SeriesSource;
import io.metricstream.runtime.config.Config;
import io.metricstream.runtime.config.ConfigLoader;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A query service on an ephemeral loopback port over a given source, for HTTP-level tests. */
public final class QueryServer implements AutoCloseable {
    private final EmbeddedHost host;
    private final QueryService service;
    private final String base;

    /** Starts the service over {@code source} with data dir {@code dir} and extra config overrides. */
    public QueryServer(final SeriesSource source, final Path dir, final Map<String, String> overrides)
        throws Exception {
        this.service = new QueryService(source);
        final ConfigTable table = ConfigTable.merge(GlobalConfig.TABLE, service.configTable());
        final Map<String, String> flags = new java.util.HashMap<>(overrides);
        flags.put("global.data_dir", dir.toString());
        flags.putIfAbsent("query.http_port", "0");
        // the warm-up costs ~2 s per start; QueryServiceWarmupTest turns it on where it is the subject
        flags.putIfAbsent("query.warmup_enabled", "false");
        final Config config = (Config) new ConfigLoader(table).load(Optional.empty(), Map.of(), flags);
        this.host = EmbeddedHost.start(config, List.of(service));
        this.base = "http://127.0.0.1:" + host.host("query").httpAddresses().getFirst().getPort();
    }

    /** The service. */
    public QueryService service() {
        return service;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String base() {
        return base;
    }

    /** The port. */
    public int port() {
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    @Override
    public void close() {
        host.close();
    }
}
