package io.metricstream.launcher.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The docker-compose topology on one host: queue, two storage instances sharing the partitions through consumer group
 * {@code storage}, ingestion, query (fanning out to both storage instances) and alert, each on its own loopback ports
 * taken from one contiguous block starting at the base port:
 * <pre>
 *   +0 queue binary      +1 queue http
 *   +2 storage-1 binary  +3 storage-1 http
 *   +4 storage-2 binary  +5 storage-2 http
 *   +6 ingestion http    +7 query http       +8 alert http
 * </pre>
 * The default base 17070 keeps the block clear of the default ports (7070-9093) that {@code metricstream up} uses.
 * Immutable.
 */
public final class ClusterTopology {
    /** Default first port of the block. */
    public static final int DEFAULT_BASE_PORT = 17070;
    /** Ports the block spans. */
    public static final int PORT_SPAN = 9;

    private final int basePort;
    private final List<ClusterInstance> instances;

    private ClusterTopology(int basePort, List<ClusterInstance> instances) {
        this.basePort = basePort;
        this.instances = List.copyOf(instances);
    }

    /** The compose topology on the block starting at {@code basePort}. */
    public static ClusterTopology compose(int basePort) {
        if (basePort < 1024 || basePort + PORT_SPAN - 1 > 65535) {
            throw new IllegalArgumentException("bad base port: got " + basePort + "; want 1024.." + (65535 - PORT_SPAN
                + 1));
        }
        final List<ClusterInstance> list = new ArrayList<>();
        list.add(new ClusterInstance("queue", "queue", basePort + 1, basePort, List.of()));
        list.add(new ClusterInstance("storage-1", "storage", basePort + 3, basePort + 2, List.of("queue")));
        list.add(new ClusterInstance("storage-2", "storage", basePort + 5, basePort + 4, List.of("queue")));
        list.add(new ClusterInstance("ingestion", "ingestion", basePort + 6, 0, List.of("queue")));
        list.add(new ClusterInstance("query", "query", basePort + 7, 0, List.of("storage-1", "storage-2")));
        list.add(new ClusterInstance("alert", "alert", basePort + 8, 0, List.of("query", "ingestion")));
        return new ClusterTopology(basePort, list);
    }

    /** The first port of the block. */
    public int basePort() {
        return basePort;
    }

    /** Every instance, in start order (dependencies first). */
    public List<ClusterInstance> instances() {
        return instances;
    }

    /** The instance called {@code name}; an unknown name is a programming error. */
    public ClusterInstance instance(String name) {
        for (ClusterInstance i : instances) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no cluster instance " + name + " (have " + names() + ")");
    }

    /** Instance names, in start order. */
    public List<String> names() {
        return instances.stream().map(ClusterInstance::name).toList();
    }

    /** Instances running {@code service}, in start order. */
    public List<ClusterInstance> instancesOf(String service) {
        return instances.stream().filter(i -> i.service().equals(service)).toList();
    }

    /**
     * The config keys ({@code section.key} to text) that make {@code instance} one member of this cluster: its data
     * directory, its ports and the addresses of its peers. The launcher turns them into
     * {@code METRICSTREAM_<SECTION>_<KEY>} environment overrides, as docker-compose does.
     */
    public Map<String, String> settings(ClusterInstance instance, Path dataDir) {
        final Map<String, String> s = new LinkedHashMap<>();
        final String svc = instance.service();
        s.put("global.data_dir", dataDir.resolve(instance.name()).toAbsolutePath().toString());
        s.put(svc + ".http_port", Integer.toString(instance.httpPort()));
        if (instance.binaryPort() != 0) {
            s.put(svc + ".binary_port", Integer.toString(instance.binaryPort()));
        }
        final String queue = instancesOf("queue").getFirst().binaryAddress();
        switch (svc) {
            // as docker-compose.yml: the two storage instances split the partitions (the default, 1, suits one)
            case "queue" -> s.put("queue.default_partitions", "6");
            case "storage" -> s.put("storage.queue_address", queue);
            case "ingestion" -> s.put("ingestion.queue_address", queue);
            case "query" -> s.put("query.storage_addresses", instancesOf("storage").stream()
                .map(ClusterInstance::binaryAddress).collect(Collectors.joining(",")));
            case "alert" -> {
                s.put("alert.queue_address", queue);
                s.put("alert.query_url", instancesOf("query").getFirst().url());
                s.put("alert.ingestion_url", instancesOf("ingestion").getFirst().url());
            }
            default -> {
            }
        }
        return s;
    }

    /** {@code METRICSTREAM_<SECTION>_<KEY>} for key {@code name} (ConfigKey's rule, for names not declared yet). */
    public static String envName(String name) {
        return "METRICSTREAM_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The ports of the block that cannot be bound on 127.0.0.1 right now, as "port (instance kind)" texts. */
    public List<String> portsInUse() {
        final List<String> busy = new ArrayList<>();
        for (ClusterInstance i : instances) {
            if (!free(i.httpPort())) {
                busy.add(i.httpPort() + " (" + i.name() + " http)");
            }
            if (i.binaryPort() != 0 && !free(i.binaryPort())) {
                busy.add(i.binaryPort() + " (" + i.name() + " binary)");
            }
        }
        return busy;
    }

    /**
     * A base port whose whole block was free a moment ago, chosen at random in 20000..32000 (below Linux's ephemeral
     * range, so outgoing connections rarely take one); racy by nature, like any free-port probe.
     */
    public static int freeBasePort() {
        final SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            final int base = 20_000 + random.nextInt(12_000 / PORT_SPAN) * PORT_SPAN;
            if (compose(base).portsInUse().isEmpty()) {
                return base;
            }
        }
        throw new IllegalStateException("no free block of " + PORT_SPAN + " loopback ports in 20000..32000");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
