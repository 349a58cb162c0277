package io.metricstream.storage.head;

import io.metricstream.runtime.metrics.Counter;
import io.metricstream.runtime.metrics.CounterFamily;
import io.metricstream.runtime.metrics.MetricsRegistry;

/** The head's counters, registered once; children are cached in fields for the hot path. Thread-safe. */
public final class HeadMetrics {
    final Counter appended;
    final Counter duplicates;
    final Counter seriesCreated;
    final Counter seriesRemoved;
    final Counter tooOld;
    final Counter conflict;
    final Counter maxSeries;
    final Counter tooManyLabels;
    final Counter labelTooLong;
    final Counter badKey;
    final Counter badRecord;

    /** Registers the head counters in {@code registry}. */
    public HeadMetrics(final MetricsRegistry registry) {
        appended = registry.counter("storage_samples_appended_total", "Samples stored in the head.");
        duplicates = registry.counter("storage_samples_duplicate_total",
            "Samples dropped idempotently: same series, timestamp and value already stored.");
        seriesCreated = registry.counter("storage_series_created_total", "Series created in the head.");
        seriesRemoved = registry.counter("storage_head_series_removed_total",
            "Series removed from the head by head GC (no sample left after a flush).");
        final CounterFamily rejected = registry.counterFamily("storage_samples_rejected_total",
            "Samples rejected, by reason.", "reason");
        tooOld = rejected.labels("too_old");
        conflict = rejected.labels("duplicate_timestamp_conflict");
        maxSeries = rejected.labels("max_series");
        tooManyLabels = rejected.labels("too_many_labels");
        labelTooLong = rejected.labels("label_too_long");
        badKey = rejected.labels("bad_series_key");
        badRecord = rejected.labels("bad_sample_record");
    }

    /** Samples appended so far. */
    public long appended() {
        return appended.value();
    }

    /** Series created so far. */
    public long seriesCreated() {
        return seriesCreated.value();
    }

    /** Series removed by head GC so far. */
    public long seriesRemoved() {
        return seriesRemoved.value();
    }

    /** Samples dropped as exact duplicates. */
    public long duplicates() {
        return duplicates.value();
    }

    /** Samples rejected as too old. */
    public long tooOld() {
        return tooOld.value();
    }

    /** Samples rejected as conflicting duplicates. */
    public long conflicts() {
        return conflict.value();
    }

    /** Samples rejected by the series limit. */
    public long maxSeriesRejected() {
        return maxSeries.value();
    }

    /** Samples rejected by the labels-per-series limit. */
    public long tooManyLabelsRejected() {
        return tooManyLabels.value();
    }

    /** Samples rejected by the label length limit. */
    public long labelTooLongRejected() {
        return labelTooLong.value();
    }
}
