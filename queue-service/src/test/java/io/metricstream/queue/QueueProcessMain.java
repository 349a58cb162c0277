package io.metricstream.queue;

import io.metricstream.runtime.lifecycle.EmbeddedHost;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A queue in its own process for crash tests: {@code <dataDir> <binaryPort> <httpPort> <fsyncPolicy>}. */
public final class QueueProcessMain {
    private QueueProcessMain() {
    }

    /** Starts the queue and runs until killed. */
    public static void main(final String[] args) throws Exception {
        final EmbeddedHost host = TestBatches.start(Path.of(args[0]), Map.of(
            "queue.binary_port", args[1], "queue.http_port", args[2], "queue.fsync_policy", args[3],
            "queue.default_partitions", "4", "queue.segment_bytes", "256KiB"));
        Runtime.getRuntime().addShutdownHook(new Thread(host::close));
        new CountDownLatch(1).await();
    }
}
