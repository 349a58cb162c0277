package io.metricstream.storage.select.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.storage.consume.StorageNode;
import io.metricstream.testsupport.HttpProbe;
import io.metricstream.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageServiceWarmupTest {
    @TempDir
    Path dir;

    @Test
    void shouldLeaveUserDatabaseAndCountersUntouchedWhenWarmupRuns() throws Exception {
        // no queue listens there: the consumer keeps reconnecting, which the warm-up does not need
        try (StorageNode node = StorageNode.start(StorageNode.config(dir, LoopbackPorts.free(),
            Map.of("storage.warmup_enabled", "true", "storage.warmup_rounds", "2")))) {
            final SelectWarmup.Report report = node.service().warmup().get(30, TimeUnit.SECONDS);
            assertNull(report.failure());
            assertEquals(2, report.rounds());
            // the settle rounds (storage.warmup_settle_rounds) run while the JIT still compiles the path
            assertEquals(SelectWarmup.REQUESTS_PER_ROUND * (2 + report.settleRounds() + report.topUpRounds()),
                report.requests());
            assertEquals(0, node.service().db().head().registry().size(), "no series in the user's head");
            assertEquals(0, node.service().db().blocks().size(), "no blocks in the user's database");
            try (Stream<Path> blocks = Files.list(node.service().db().dir().resolve("blocks"))) {
                assertEquals(0, blocks.count());
            }
            final String metrics = HttpProbe.get("http://127.0.0.1:" + node.httpPort() + "/metrics").body();
            assertTrue(metrics.contains("storage_head_series 0\n"), metrics);
            assertFalse(Pattern.compile("(?m)^storage_select_requests_total\\{[^}]*} [1-9]").matcher(metrics).find(),
                metrics);
        }
    }

    @Test
    void shouldSkipWarmupWhenDisabled() throws Exception {
        try (StorageNode node = StorageNode.start(StorageNode.config(dir, LoopbackPorts.free(),
            Map.of("storage.warmup_enabled", "false")))) {
            assertTrue(node.service().warmup().isDone());
            assertNull(node.service().warmup().get());
        }
    }
}
