package io.metricstream.runtime.lifecycle;

import io.metricstream.runtime.config.ConfigTable;

/**
 * A deployable unit (queue, storage, …) as the runtime sees it: a name, its config keys, a start that binds its
 * servers through the {@link ServiceHost}, and a close that releases files. The same instance runs alone
 * ({@code run <service>}) or beside the others in one JVM ({@code up}).
 */
public interface Service {
    /** The service name: its config section, data sub-directory and log name (e.g. "queue"). */
    String name();

    /** This service's config keys (section {@link #name()}). */
    ConfigTable configTable();

    /**
     * Starts the service: recover state, bind servers, register metrics and readiness. Runs once, on the
     * launcher's thread; the service becomes ready only when this returns and every readiness condition holds.
     *
     * @throws Exception when it cannot start (the host then stops whatever started)
     */
    void start(ServiceHost host) throws Exception;

    /** Releases files and other resources; called after servers stopped, in reverse start order. */
    default void close() {
    }
}
