package io.metricstream.queue.server;

import io.metricstream.runtime.flow.InFlightBudget;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.queue.TestBatches;
import io.metricstream.runtime.lifecycle.EmbeddedHost;
import io.metricstream.testsupport.HttpProbe;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BackpressureTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseWhenInFlightBytesWouldExceedCap() {
        final InFlightBudget budget = new InFlightBudget(1000);
        assertTrue(budget.tryAcquire(600));
        assertFalse(budget.tryAcquire(600));
        assertTrue(budget.tryAcquire(400));
        budget.release(1000);
        assertTrue(budget.tryAcquire(5000), "one oversized batch passes when nothing is in flight");
        assertEquals(5000, budget.usedBytes());
    }

    @Test
    @Tag("integration")
    void shouldAnswer503ThrottledWhenFreeDiskBelowMinimum() throws Exception {
        try (EmbeddedHost host = TestBatches.start(dataDir, Map.of("queue.min_free_disk_bytes",
            "1000000GiB"))) {
            final int port = host.host("queue").httpAddresses().getFirst().getPort();
            final HttpProbe.Response r = HttpProbe.post("http://127.0.0.1:" + port
                + "/produce?topic=metrics.inbound&partition=0", "text/plain", "x");
            assertEquals(503, r.status(), r.body());
            assertTrue(r.body().contains("\"code\":\"throttled\""), r.body());
            assertTrue(HttpProbe.get("http://127.0.0.1:" + port + "/metrics").body()
                .contains("queue_requests_failed_total{api=\"produce\",error=\"throttled\"} 1"));
        }
    }
}
