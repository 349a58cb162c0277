package io.metricstream.launcher.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops cluster processes: SIGTERM, then SIGKILL when one is still alive after the grace period. Whole clusters stop
 * in reverse dependency order, one level at a time (alert, then query, then ingestion and storage, then the queue),
 * so producers stop before what they write to; the processes of one level stop together.
 */
final class ClusterShutdown {
    /** How long a process gets between SIGTERM and SIGKILL. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    private static final long EXIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private ClusterShutdown() {
    }

    /**
     * Stops every process of {@code live} (instance name to process) in reverse dependency order.
     *
     * @return the names that needed SIGKILL
     */
    static List<String> stopAll(ClusterTopology topology, Map<String, ProcessHandle> live, Duration grace) {
        final Map<String, Integer> depth = depths(topology);
        final int max = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        final List<String> killed = new ArrayList<>();
        for (int level = max; level >= 0; level--) {
            final List<String> names = new ArrayList<>();
            for (ClusterInstance i : topology.instances()) {
                if (depth.get(i.name()) == level && live.containsKey(i.name())) {
                    names.add(i.name());
                    live.get(i.name()).destroy();
                }
            }
            final long deadline = System.nanoTime() + grace.toNanos();
            for (String name : names) {
                if (!awaitExit(live.get(name), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    killed.add(name);
                    kill(live.get(name));
                }
            }
        }
        return killed;
    }

    /** Stops one process: SIGTERM, SIGKILL after {@code grace}; true when it exited on SIGTERM alone. */
    static boolean stop(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        kill(process);
        return false;
    }

    /** SIGKILL, then wait (bounded) until the process is gone. */
    static void kill(ProcessHandle process) {
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(10))) {
            throw new ClusterException("process " + process.pid() + " survived SIGKILL for 10 s");
        }
    }

    /**
     * Polls until {@code process} is gone or {@code timeout} passes; true when gone.
     *
     * <p>Design note: this polls {@link ProcessHandle#isAlive()} rather than waiting on {@code onExit()}, whose
     * completion runs on the common fork-join pool: on a 2-core machine that pool has one thread, and any blocked
     * task in it (a test's {@code supplyAsync(...)}) starved every exit notification in that JVM.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(EXIT_POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                return !process.isAlive();
            }
        }
        return true;
    }

    /** Longest dependency chain below each instance: the queue is 0, alert is the deepest. */
    static Map<String, Integer> depths(ClusterTopology topology) {
        final Map<String, Integer> depth = new HashMap<>();
        for (ClusterInstance i : topology.instances()) {
            int d = 0;
            for (String dep : i.dependsOn()) {
                d = Math.max(d, depth.get(dep) + 1);
            }
            depth.put(i.name(), d);
        }
        return depth;
    }
}
