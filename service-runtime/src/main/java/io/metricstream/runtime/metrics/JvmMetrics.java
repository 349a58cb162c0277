package io.metricstream.runtime.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;

/** JVM basics every service exports: process start time, uptime, heap and non-heap memory. */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    /** Registers the JVM gauges in {@code registry}. */
    public static void register(MetricsRegistry registry) {
        final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final double startSeconds = runtime.getStartTime() / 1000.0;
        registry.doubleGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            () -> startSeconds);
        registry.doubleGauge("process_uptime_seconds", "Time since the JVM started in seconds.",
            () -> runtime.getUptime() / 1000.0);
        registry.gauge("jvm_memory_heap_used_bytes", "Used heap memory in bytes.",
            () -> memory.getHeapMemoryUsage().getUsed());
        registry.gauge("jvm_memory_heap_committed_bytes", "Committed heap memory in bytes.",
            () -> memory.getHeapMemoryUsage().getCommitted());
        registry.gauge("jvm_memory_heap_max_bytes", "Maximum heap memory in bytes (-1 when undefined).",
            () -> memory.getHeapMemoryUsage().getMax());
        registry.gauge("jvm_memory_nonheap_used_bytes", "Used non-heap memory in bytes.",
            () -> memory.getNonHeapMemoryUsage().getUsed());
        registry.gauge("jvm_threads_live", "Live JVM threads.",
            () -> ManagementFactory.getThreadMXBean().getThreadCount());
    }
}
