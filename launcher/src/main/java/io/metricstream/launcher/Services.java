package io.metricstream.launcher;

import io.metricstream.alert.AlertService;
import io.metricstream.ingestion.IngestionService;
import io.metricstream.query.QueryService;
import io.metricstream.queue.QueueService;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.config.GlobalConfig;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.storage.StorageService;
import java.util.ArrayList;
import java.util.List;

/** The services of MetricStream, listed explicitly in start order (the queue first: others depend on it). */
public final class Services {
    private Services() {
    }

    /** Fresh instances of every service, in start order. */
    public static List<Service> all() {
        return List.of(new QueueService(), new StorageService(), new IngestionService(), new QueryService(),
            new AlertService());
    }

    /** Names of every service, in start order. */
    public static List<String> names() {
        return all().stream().map(Service::name).toList();
    }

    /** The global keys plus every service's keys: one file validates the same whichever service runs. */
    public static ConfigTable table() {
        final List<ConfigTable> tables = new ArrayList<>();
        tables.add(GlobalConfig.TABLE);
        for (Service s : all()) {
            tables.add(s.configTable());
        }
        return ConfigTable.merge(tables);
    }
}
