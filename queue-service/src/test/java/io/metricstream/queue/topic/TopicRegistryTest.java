package io.metricstream.queue.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.queue.TopicMetadata;
import io.metricstream.queue.QueueConfig;
import io.metricstream.queue.flush.FsyncPolicy;
import io.metricstream.queue.log.LogOptions;
import io.metricstream.queue.log.SegmentFiles;
import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.LatencyRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class TopicRegistryTest {
    @TempDir
    Path dir;

    private TopicRegistry registry(final PartitionWriters writers, final ScheduledThreadPoolExecutor flush)
        throws Exception {
        return new TopicRegistry(new TopicRegistry.Settings(dir, LogOptions.defaults(), FsyncPolicy.GROUP_COMMIT, 2,
            SegmentFiles.DEFAULT, System::currentTimeMillis), writers, flush, new DiskSpace(dir, 0, 250),
            new Partition.Counters(new Counter(), new Counter()), new LatencyRecorder());
    }

    @Test
    void shouldKeepCreatedTopicsWhenReloaded() throws Exception {
        final ScheduledThreadPoolExecutor flush = new ScheduledThreadPoolExecutor(1);
        try (PartitionWriters writers = new PartitionWriters(1)) {
            try (TopicRegistry r = registry(writers, flush)) {
                r.load(Map.of("metrics.inbound", 2));
                assertEquals(ErrorCode.NONE, r.create("a.b-c_1", 3).code());
                assertEquals(ErrorCode.INVALID_TOPIC, r.create("a.b-c_1", 3).code());
                assertEquals(ErrorCode.INVALID_REQUEST, r.create("zero", 0).code());
                assertNotNull(r.partition("a.b-c_1", 2));
                assertNull(r.partition("a.b-c_1", 3));
            }
            try (TopicRegistry r = registry(writers, flush)) {
                r.load(Map.of("metrics.inbound", 4));
                assertEquals(List.of(new TopicMetadata("a.b-c_1", 3), new TopicMetadata("metrics.inbound", 2)),
                    r.list(), "on-disk partition count wins");
                assertEquals(true, Files.isDirectory(dir.resolve("a.b-c_1-2")));
            }
        } finally {
            flush.shutdownNow();
        }
    }

    @Test
    void shouldRejectPathTricksWhenNamingTopics() {
        for (final String bad : new String[] {"", ".", "..", "../x", "a/b", "a b", "é", "x".repeat(201)}) {
            assertNotNull(TopicName.problem(bad), "\"" + bad + "\"");
        }
        for (final String good : new String[] {"a", "...", "metrics.inbound", "A-Z_0.9", "x".repeat(200)}) {
            assertNull(TopicName.problem(good), good);
        }
        assertEquals(Map.of("t", 3, "u", 8), QueueConfig.topics(List.of("t:3", "u", "bad/name:2", "v:0"), 8));
    }
}
