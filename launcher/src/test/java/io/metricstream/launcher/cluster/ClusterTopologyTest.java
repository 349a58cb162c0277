package io.metricstream.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metricstream.runtime.config.ConfigKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterTopologyTest {
    private static final Path DATA = Path.of("/tmp/cluster-topology-test");
    private final ClusterTopology topology = ClusterTopology.compose(ClusterTopology.DEFAULT_BASE_PORT);

    @Test
    void shouldUseEveryPortOfTheBlockOnceWhenInstancesArePlaced() {
        final Set<Integer> ports = new TreeSet<>();
        for (ClusterInstance i : topology.instances()) {
            assertTrue(ports.add(i.httpPort()), i.name());
            if (i.binaryPort() != 0) {
                assertTrue(ports.add(i.binaryPort()), i.name());
            }
        }
        final Set<Integer> block = new TreeSet<>();
        for (int p = 0; p < ClusterTopology.PORT_SPAN; p++) {
            block.add(ClusterTopology.DEFAULT_BASE_PORT + p);
        }
        assertEquals(block, ports);
    }

    @Test
    void shouldAvoidTheDefaultPortsWhenBasePortIsTheDefault() {
        final Set<Integer> defaults = new HashSet<>();
        for (ConfigKey<?> k : ServiceCatalog.table().keys()) {
            if (k.shortName().endsWith("_port")) {
                defaults.add(((Number) k.defaultValue()).intValue());
            }
        }
        for (ClusterInstance i : topology.instances()) {
            assertTrue(!defaults.contains(i.httpPort()) && !defaults.contains(i.binaryPort()), i.toString());
        }
    }

    @Test
    void shouldRunKnownServicesWithTwoStorageInstancesWhenTopologyIsCompose() {
        assertEquals(List.of("queue", "storage-1", "storage-2", "ingestion", "query", "alert"), topology.names());
        for (ClusterInstance i : topology.instances()) {
            assertTrue(ServiceCatalog.names().contains(i.service()), i.service());
            assertEquals(ServiceCatalog.table().find(i.service() + ".binary_port") != null, i.binaryPort() != 0,
                i.name() + " has a binary port exactly when its service declares one");
            final List<String> earlier = topology.names().subList(0, topology.names().indexOf(i.name()));
            assertTrue(earlier.containsAll(i.dependsOn()), i.name() + " depends only on earlier instances");
        }
        assertEquals(2, topology.instancesOf("storage").size());
    }

    @Test
    void shouldNameRealKeysWhenSettingsWireInstances() {
        final List<String> missing = new ArrayList<>();
        for (ClusterInstance i : topology.instances()) {
            topology.settings(i, DATA).keySet().stream().filter(k -> ServiceCatalog.table().find(k) == null)
                .forEach(k -> missing.add(i.name() + ": " + k));
        }
        assertEquals(List.of(), missing, "wiring keys no service declares (yet)");
    }

    @Test
    void shouldWireEveryPeerKeyWhenTheServiceDeclaresOne() {
        final List<String> unwired = new ArrayList<>();
        for (ClusterInstance i : topology.instances()) {
            final Map<String, String> s = topology.settings(i, DATA);
            ServiceCatalog.peerKeys(i.service()).stream().filter(k -> !s.containsKey(k.name()))
                .forEach(k -> unwired.add(i.name() + ": " + k.name()));
        }
        assertEquals(List.of(), unwired);
    }

    @Test
    void shouldPointPeersAtTheirInstancesWhenSettingsAreComputed() {
        final int b = 30_000;
        final ClusterTopology t = ClusterTopology.compose(b);
        assertEquals(Map.of("global.data_dir", DATA.resolve("storage-2").toString(), "storage.http_port",
            Integer.toString(b + 5), "storage.binary_port", Integer.toString(b + 4), "storage.queue_address",
            "127.0.0.1:" + b), t.settings(t.instance("storage-2"), DATA));
        assertEquals("127.0.0.1:" + (b + 2) + ",127.0.0.1:" + (b + 4),
            t.settings(t.instance("query"), DATA).get("query.storage_addresses"));
        assertEquals("http://127.0.0.1:" + (b + 7), t.settings(t.instance("alert"), DATA).get("alert.query_url"));
        assertEquals("http://127.0.0.1:" + (b + 6), t.settings(t.instance("alert"), DATA).get("alert.ingestion_url"));
        assertEquals("METRICSTREAM_QUERY_STORAGE_ADDRESSES", ClusterTopology.envName("query.storage_addresses"));
    }

    @Test
    void shouldRejectBasePortWhenBlockLeavesThePortRange() {
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.compose(80));
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.compose(65530));
        assertThrows(IllegalArgumentException.class, () -> topology.instance("storage-3"));
    }

    @Test
    void shouldFindAFreeBlockWhenAskedForAnEphemeralBasePort() {
        final int base = ClusterTopology.freeBasePort();
        assertTrue(base >= 20_000 && base + ClusterTopology.PORT_SPAN <= 32_000, Integer.toString(base));
        assertEquals(List.of(), ClusterTopology.compose(base).portsInUse());
    }

    @Test
    void shouldStopDependentsFirstWhenDepthsOrderShutdown() {
        assertEquals(Map.of("queue", 0, "storage-1", 1, "storage-2", 1, "ingestion", 1, "query", 2, "alert", 3),
            ClusterShutdown.depths(topology));
    }
}
