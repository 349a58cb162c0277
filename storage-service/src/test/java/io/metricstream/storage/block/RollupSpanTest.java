package io.metricstream.storage.block;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RollupSpanTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteRollupsOnlyWhenTheBlockSpansAtLeastTheBound() throws IOException {
        final java.util.List<BlockWriter.SeriesChunks> series = BlockTest.sampleSeries(3, 0, 300);
        BlockWriter.write(dir, "short", series, 1, java.util.List.of(), Long.MAX_VALUE);
        BlockWriter.write(dir, "always", series, 1, java.util.List.of(), 0L);
        assertFalse(Files.exists(dir.resolve("short").resolve(RollupWriter.fileName(RollupWriter.RESOLUTIONS[0]))));
        assertTrue(Files.exists(dir.resolve("short").resolve(BlockMeta.FILE)));
        for (final long res : RollupWriter.RESOLUTIONS) {
            assertTrue(Files.exists(dir.resolve("always").resolve(RollupWriter.fileName(res))));
        }
    }
}
