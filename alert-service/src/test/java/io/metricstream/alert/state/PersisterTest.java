package io.metricstream.alert.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metricstream.testsupport.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PersisterTest {
    @Test
    void shouldKeepLastWriteAndSubmissionOrderWhenWritingInBackground() throws Exception {
        final Path dir = TempDirs.create("persist");
        try (Persister p = Persister.background("test-persist")) {
            for (int i = 0; i < 50; i++) {
                p.write(dir.resolve("state.json"), ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            p.write(dir.resolve("outbox.json"), "x".getBytes(StandardCharsets.UTF_8));
            p.delete(dir.resolve("outbox.json"));
            p.drain(5_000);
            assertEquals("v49", Files.readString(dir.resolve("state.json")));
            assertFalse(Files.exists(dir.resolve("outbox.json")), "delete after write in submission order");
            assertFalse(Files.exists(dir.resolve("state.json.tmp")));
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
