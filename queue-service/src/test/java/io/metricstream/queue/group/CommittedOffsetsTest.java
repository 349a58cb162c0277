package io.metricstream.queue.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class CommittedOffsetsTest {
    @TempDir
    Path dir;

    private static void commit(final CommittedOffsets o, final String group, final int partition, final long offset)
        throws Exception {
        final CompletableFuture<IOException> done = new CompletableFuture<>();
        o.commit(group, "t", partition, offset, done::complete);
        assertNull(done.get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldReturnLatestCommitWhenReopenedAfterTornTail() throws Exception {
        try (CommittedOffsets o = CommittedOffsets.open(dir)) {
            assertEquals(-1, o.committed("g", "t", 0));
            for (int i = 0; i < 100; i++) {
                commit(o, "g", i % 4, i);
            }
            commit(o, "h", 0, 5);
            assertEquals(99, o.committed("g", "t", 3));
        }
        Files.write(dir.resolve(CommittedOffsets.FILE), new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);
        try (CommittedOffsets o = CommittedOffsets.open(dir)) {
            assertEquals(96, o.committed("g", "t", 0));
            assertEquals(99, o.committed("g", "t", 3));
            assertEquals(5, o.committed("h", "t", 0));
            commit(o, "g", 0, 1000);
        }
        try (CommittedOffsets o = CommittedOffsets.open(dir)) {
            assertEquals(1000, o.committed("g", "t", 0));
        }
        assertEquals(true, Files.size(dir.resolve(CommittedOffsets.FILE)) < 500, "compacted on open");
    }
}
