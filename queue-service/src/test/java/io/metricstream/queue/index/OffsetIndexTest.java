package io.metricstream.queue.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class OffsetIndexTest {
    @TempDir
    Path dir;

    @Test
    void shouldFindFloorEntryWhenLookingUpOffsets() throws IOException {
        try (OffsetIndex index = OffsetIndex.create(dir.resolve("a.index"), 100, 4096)) {
            assertEquals(0, index.lookup(150), "empty index starts at byte 0");
            index.append(110, 1000);
            index.append(120, 2000);
            index.append(135, 3000);
            f(index, 100, 0);
            f(index, 109, 0);
            f(index, 110, 1000);
            f(index, 119, 1000);
            f(index, 120, 2000);
            f(index, 134, 2000);
            f(index, 135, 3000);
            f(index, 10_000, 3000);
            index.trimToEntries();
            assertEquals(3L * OffsetIndex.ENTRY_BYTES, Files.size(index.path()));
        }
        try (OffsetIndex reopened = OffsetIndex.openValid(dir.resolve("a.index"), 100, 4000)) {
            assertNotNull(reopened);
            assertEquals(3, reopened.entries());
            f(reopened, 125, 2000);
        }
        assertNull(OffsetIndex.openValid(dir.resolve("a.index"), 100, 2500), "position past the log");
        assertNull(OffsetIndex.openValid(dir.resolve("missing.index"), 100, 2500));
    }

    private static void f(final OffsetIndex index, final long offset, final int position) {
        assertEquals(position, index.lookup(offset), "offset " + offset);
    }

    @Test
    void shouldKeepTimestampsIncreasingWhenTimeIndexAppends() throws IOException {
        try (TimeIndex index = TimeIndex.create(dir.resolve("a.timeindex"), 50, 4096)) {
            assertEquals(50, index.lookup(1000));
            index.maybeAppend(1000, 60);
            index.maybeAppend(900, 70);
            index.maybeAppend(1000, 75);
            index.maybeAppend(2000, 80);
            assertEquals(2, index.entries());
            assertEquals(50, index.lookup(1000), "no entry below 1000: scan from the base");
            assertEquals(60, index.lookup(1001));
            assertEquals(80, index.lookup(5000));
            assertEquals(2000, index.lastTimestampMs());
            index.trimToEntries();
        }
        final TimeIndex valid = TimeIndex.openValid(dir.resolve("a.timeindex"), 50, 81);
        assertNotNull(valid);
        valid.close();
        assertNull(TimeIndex.openValid(dir.resolve("a.timeindex"), 50, 80), "offset past the segment");
        assertTrue(Files.exists(dir.resolve("a.timeindex")));
    }
}
