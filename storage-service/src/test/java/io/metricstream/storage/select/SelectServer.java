package io.metricstream.storage.select;

import io.metricstream.contracts.client.ClientOptions;
import io.metricstream.contracts.frame.FrameDescriptor;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.runtime.config.ConfigTable;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.runtime.lifecycle.Service;
import io.metricstream.runtime.lifecycle.ServiceHost;
import io.metricstream.storage.StorageConfig;
import io.metricstream.storage.consume.StorageNode;
import io.metricstream.storage.db.TimeSeriesDb;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real binary storage server (service-runtime host, ephemeral loopback port) serving {@link SelectFrameAdapter}
 * over a database the test owns and writes to directly (no consumer), with a connected {@link StorageClient}.
 */
final class SelectServer implements AutoCloseable {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final EmbeddedHost host;
    private final StorageClient client;

    SelectServer(final TimeSeriesDb db, final Path dataDir, final int frameBytes) throws Exception {
        final Service service = new Service() {
            @Override
            public String name() {
                return "storage";
            }

            @Override
            public ConfigTable configTable() {
                return StorageConfig.TABLE;
            }

            @Override
            public void start(final ServiceHost h) {
                h.binary(StorageConfig.BINARY_PORT, () -> new SelectFrameAdapter(db, executor, frameBytes),
                    FrameDescriptor.DEFAULT_MAX_FRAME_BYTES);
            }
        };
        host = EmbeddedHost.start(StorageNode.config(dataDir, 1, Map.of()), List.of(service));
        client = new StorageClient("127.0.0.1", host.host("storage").binaryAddresses().getFirst().getPort(),
            ClientOptions.DEFAULT);
    }

    StorageClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        host.close();
        executor.shutdownNow();
    }
}
