package io.metricstream.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.testsupport.Awaits;
import io.metricstream.testsupport.HttpProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six real JVMs on an ephemeral port block: start, all ready, series split over both storage instances and all
 * visible through query, kill -9 and restart one storage instance, stop.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalClusterTest {
    /** Startup-friendly JVM options for the children of tests (2 cores shared by everything). */
    static final List<String> TEST_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xshare:auto");

    @TempDir
    Path dir;

    @Test
    void shouldServeReadyEverywhereAndSurviveKill9OfAStorageWhenClusterRuns() {
        final int base = ClusterTopology.freeBasePort();
        try (LocalCluster cluster = LocalCluster.builder(dir).basePort(base).jvmOptions(TEST_JVM)
            .env("METRICSTREAM_GLOBAL_PROFILE", "test").readyTimeout(Duration.ofSeconds(50)).build()) {
            cluster.start();
            for (ClusterInstance i : cluster.topology().instances()) {
                assertTrue(cluster.isReady(i.name()), i.name());
                assertEquals("http://127.0.0.1:" + i.httpPort(), cluster.url(i.name()));
                assertEquals(Optional.of(cluster.pid(i.name())), PidFile.read(dir.resolve(i.name() + ".pid"))
                    .flatMap(PidFile::liveProcess).map(ProcessHandle::pid));
                assertTrue(Files.isDirectory(dir.resolve(i.name())), i.name() + " data directory");
                assertTrue(Files.isRegularFile(cluster.logFile(i.name())), i.name() + " log");
            }
            assertEquals(Optional.of(new ClusterState(dir.toAbsolutePath(), base)), ClusterState.read(dir));
            assertEquals("127.0.0.1:" + (base + 4), cluster.binaryAddress("storage-2"));
            assertSeriesSplitOverBothStorageInstancesAndQueryable(cluster);

            final long before = cluster.pid("storage-2");
            assertEquals(137, cluster.kill9("storage-2"));
            assertFalse(cluster.isReady("storage-2"));
            assertFalse(Files.exists(dir.resolve("storage-2.pid")));
            assertTrue(cluster.isReady("storage-1"), "the other storage instance keeps serving");
            cluster.restart("storage-2");
            assertTrue(cluster.isReady("storage-2"));
            assertNotEquals(before, cluster.pid("storage-2"));

            final List<ProcessHandle> all = cluster.topology().names().stream()
                .map(n -> ProcessHandle.of(cluster.pid(n)).orElseThrow()).toList();
            cluster.stop();
            for (ProcessHandle h : all) {
                assertFalse(h.isAlive(), "pid " + h.pid() + " survived stop()");
            }
            for (String name : cluster.topology().names()) {
                assertFalse(Files.exists(dir.resolve(name + ".pid")), name + ".pid left behind");
            }
        }
    }

    /** The wiring end to end: ingestion -> queue -> storage-1 + storage-2 (consumer group) -> query fan-out. */
    private static void assertSeriesSplitOverBothStorageInstancesAndQueryable(LocalCluster cluster) {
        final int series = 20;
        for (int i = 0; i < series; i++) {
            final HttpProbe.Response r = HttpProbe.post(cluster.url("ingestion") + "/metrics", "application/json",
                "{\"name\":\"cluster_probe\",\"value\":" + i + ",\"labels\":{\"host\":\"h" + i + "\"}}");
            assertEquals(2, r.status() / 100, r::body);
        }
        final String count = cluster.url("query") + "/api/v1/query?query=count(cluster_probe)";
        Awaits.await(Duration.ofSeconds(20), () -> HttpProbe.get(count).body().contains("\"" + series + "\"]"),
            () -> "query to count " + series + " series; last answer " + HttpProbe.get(count).body());
        for (String storage : List.of("storage-1", "storage-2")) {
            final String metrics = HttpProbe.get(cluster.url(storage) + "/metrics").body();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("storage_samples_appended_total ")
                && !l.endsWith(" 0")), storage + " stored none of the " + series + " series:\n" + metrics);
        }
    }

    @Test
    void shouldRefuseToStartWhenAPortOfTheBlockIsTaken() throws Exception {
        final int base = ClusterTopology.freeBasePort();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(base + 7, 1,
            java.net.InetAddress.getLoopbackAddress())) {
            final LocalCluster cluster = LocalCluster.builder(dir).basePort(base).build();
            final ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                cluster::start);
            assertTrue(e.getMessage().contains((base + 7) + " (query http)"), e.getMessage());
            assertEquals(List.of(), cluster.topology().names().stream()
                .filter(n -> Files.exists(dir.resolve(n + ".pid"))).toList(), "nothing was started");
            assertTrue(taken.isBound());
        }
    }
}
