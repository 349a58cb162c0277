package io.metricstream.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PidFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadWhatItWroteWhenRoundTripped() {
        final PidFile pid = new PidFile(4242, 1_700_000_000_123L);
        pid.write(dir.resolve("queue.pid"));
        assertEquals(Optional.of(pid), PidFile.read(dir.resolve("queue.pid")));
        assertFalse(Files.exists(dir.resolve("queue.pid.tmp")));
    }

    @Test
    void shouldFindThisProcessWhenPidAndStartTimeMatch() {
        final PidFile self = PidFile.of(ProcessHandle.current());
        assertEquals(Optional.of(ProcessHandle.current().pid()), self.liveProcess().map(ProcessHandle::pid));
    }

    @Test
    void shouldIgnoreAReusedPidWhenStartTimeDiffers() {
        final PidFile other = new PidFile(ProcessHandle.current().pid(), 1_000_000L);
        assertTrue(ProcessHandle.current().info().startInstant().isPresent());
        assertEquals(Optional.empty(), other.liveProcess());
    }

    @Test
    void shouldBeEmptyWhenFileIsMissingOrGarbled() throws Exception {
        assertEquals(Optional.empty(), PidFile.read(dir.resolve("absent.pid")));
        Files.writeString(dir.resolve("bad.pid"), "12 x\n");
        assertEquals(Optional.empty(), PidFile.read(dir.resolve("bad.pid")));
        Files.writeString(dir.resolve("short.pid"), "12\n");
        assertEquals(Optional.empty(), PidFile.read(dir.resolve("short.pid")));
    }

    @Test
    void shouldRoundTripBasePortWhenClusterStateIsWritten() {
        new ClusterState(dir, 23_456).write();
        assertEquals(Optional.of(new ClusterState(dir, 23_456)), ClusterState.read(dir));
        assertEquals(Optional.empty(), ClusterState.read(dir.resolve("nothing-here")));
    }
}
