package io.metricstream.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.launcher.MetricStreamCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return new CommandLine(new MetricStreamCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
    }

    @Test
    void shouldExit1WhenStatusFindsNoCluster() {
        assertEquals(1, run("cluster", "status", "--data-dir", dir.toString()));
        assertEquals("no cluster in " + dir + "\n", out.toString());
        assertEquals(0, run("cluster", "down", "--data-dir", dir.toString()));
        assertEquals("no cluster in " + dir + "\n", out.toString());
    }

    @Test
    void shouldReportEveryInstanceDownWhenPidFilesAreStale() {
        new ClusterState(dir, ClusterTopology.freeBasePort()).write();
        new PidFile(ProcessHandle.current().pid(), 1_000L).write(dir.resolve("queue.pid"));
        assertEquals(1, run("cluster", "status", "--data-dir", dir.toString()));
        assertTrue(out.toString().contains("queue      -        down"), out.toString());
        assertTrue(out.toString().endsWith("0/6 ready\n"), out.toString());
        assertEquals(0, run("cluster", "down", "--data-dir", dir.toString()));
        assertTrue(out.toString().contains("nothing was running"), out.toString());
        assertFalse(dir.resolve("queue.pid").toFile().exists());
    }

    @Test
    @Tag("integration")
    void shouldStartReportAndStopDetachedProcessesWhenUpStatusDownRunFromTheCli() {
        final int base = ClusterTopology.freeBasePort();
        final List<String> up = new ArrayList<>(List.of("cluster", "up", "--data-dir", dir.toString(), "--base-port",
            Integer.toString(base), "--timeout", "50", "--env", "METRICSTREAM_GLOBAL_PROFILE=test"));
        for (String opt : LocalClusterTest.TEST_JVM) {
            up.add("--jvm-opt=" + opt);
        }
        final ClusterState state = new ClusterState(dir, base);
        try {
            assertEquals(0, run(up.toArray(String[]::new)), () -> out + "\n" + err);
            assertTrue(out.toString().contains("query      http://127.0.0.1:" + (base + 7)), out.toString());
            assertEquals(1, run(up.toArray(String[]::new)), "a second up in the same directory is refused");
            assertTrue(err.toString().contains("a cluster already runs in"), err.toString());

            assertEquals(0, run("cluster", "status", "--data-dir", dir.toString()), out::toString);
            assertTrue(out.toString().endsWith("6/6 ready\n"), out.toString());
            final List<ProcessHandle> live = state.topology().names().stream().map(state::liveProcess)
                .map(Optional::orElseThrow).toList();

            assertEquals(0, run("cluster", "down", "--data-dir", dir.toString()), out::toString);
            assertTrue(out.toString().contains("storage-2 stopped"), out.toString());
            for (ProcessHandle h : live) {
                assertFalse(h.isAlive(), "pid " + h.pid() + " survived cluster down");
            }
            assertEquals(1, run("cluster", "status", "--data-dir", dir.toString()));
            assertTrue(out.toString().endsWith("0/6 ready\n"), out.toString());
        } finally {
            for (String name : state.topology().names()) {
                state.liveProcess(name).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
