package io.metricstream.storage.select;

import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.CounterFamily;
import io.metricstream.runtime.metrics.LatencyRecorder;
import io.metricstream.runtime.metrics.MetricsRegistry;

/** Counters and latencies of the binary select APIs, registered once. Thread-safe. */
public final class SelectMetrics {
    final Counter select;
    final Counter selectChunks;
    final Counter selectWindows;
    final LatencyRecorder selectLatency;
    final LatencyRecorder selectChunksLatency;
    final LatencyRecorder selectWindowsLatency;
    final Counter chunksCopied;
    final Counter chunksEncoded;
    final Counter windowsFromRollups;
    final Counter rollupBuckets;
    final Counter windowSeriesFromChunks;

    /** SELECT_WINDOWS windows computed partly from rollup buckets so far. */
    public long windowsFromRollups() {
        return windowsFromRollups.value();
    }

    /** SELECT_WINDOWS series folded straight from their chunks so far. */
    public long windowSeriesFromChunks() {
        return windowSeriesFromChunks.value();
    }

    /** Registers the select metrics in {@code registry}. */
    public SelectMetrics(final MetricsRegistry registry) {
        final CounterFamily requests = registry.counterFamily("storage_select_requests_total",
            "Binary select requests answered, by api.", "api");
        select = requests.labels("select");
        selectChunks = requests.labels("select_chunks");
        selectWindows = requests.labels("select_windows");
        selectLatency = registry.latency("storage_select_seconds", "SELECT answer time (all frames written).");
        selectChunksLatency = registry.latency("storage_select_chunks_seconds", "SELECT_CHUNKS answer time.");
        selectWindowsLatency = registry.latency("storage_select_windows_seconds", "SELECT_WINDOWS answer time.");
        final CounterFamily chunks = registry.counterFamily("storage_select_chunks_total",
            "Chunks sent by SELECT_CHUNKS: copied as stored, or encoded (open head chunk, tombstoned, merged).", "how");
        chunksCopied = chunks.labels("copied");
        chunksEncoded = chunks.labels("encoded");
        windowsFromRollups = registry.counter("storage_select_windows_from_rollups_total",
            "SELECT_WINDOWS windows computed partly from rollup buckets.");
        rollupBuckets = registry.counter("storage_select_rollup_buckets_total",
            "Rollup buckets SELECT_WINDOWS used instead of raw samples.");
        windowSeriesFromChunks = registry.counter("storage_select_windows_series_from_chunks_total",
            "SELECT_WINDOWS series folded straight from their chunks (no rollup bucket under any window).");
    }
}
