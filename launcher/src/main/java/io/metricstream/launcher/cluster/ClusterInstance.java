package io.metricstream.launcher.cluster;

import java.util.List;

/**
 * One process of the local cluster, named like its docker-compose container ({@code storage-1}), running
 * {@code metricstream run <service>} on its own loopback ports.
 *
 * @param name       instance (container) name, unique in the cluster
 * @param service    the MetricStream service it runs (queue, storage, ingestion, query, alert)
 * @param httpPort   its HTTP port (health, readiness, metrics and the service's API)
 * @param binaryPort its binary protocol port, or 0 when the service has none
 * @param dependsOn  instances that must be ready before this one starts (compose's {@code depends_on})
 */
public record ClusterInstance(String name, String service, int httpPort, int binaryPort, List<String> dependsOn) {
    /** Copies {@code dependsOn}. */
    public ClusterInstance {
        dependsOn = List.copyOf(dependsOn);
    }

    /** {@code http://127.0.0.1:<httpPort>}. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** {@code 127.0.0.1:<binaryPort>}, or "" when the service has no binary port. */
    public String binaryAddress() {
        return binaryPort == 0 ? "" : "127.0.0.1:" + binaryPort;
    }
}
