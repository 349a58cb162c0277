package io.metricstream.query.remote;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.eval.RangeSeries;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The storage operations the engine and the API need, in the storage protocol's terms. Implemented by
 * {@link StorageFanout} (every storage instance, merged) and by in-memory fakes in tests. Thread-safe.
 */
public interface SeriesSource {
    /** Series matching every matcher with their samples in the inclusive range; one entry per series. */
    CompletableFuture<List<SeriesSamples>> select(SelectRequest request);

    /**
     * Like {@link #select}, as range-vector input: stale markers dropped, {@link RangeSeries#mayReset()} found. The
     * default converts {@link #select}'s answer; {@link StorageFanout} decodes chunks straight into this form.
     */
    default CompletableFuture<List<RangeSeries>> selectRange(final SelectRequest request) {
        return select(request).thenApply(RangeDecoding::fromSamples);
    }

    /**
     * {@code request.function()} over the windows of every matching series (stale markers excluded, Prometheus 2.x
     * arithmetic of {@link io.metricstream.contracts.storage.WindowFunction}); one entry per series that has at
     * least one non-empty window, windows without samples left out.
     */
    CompletableFuture<List<SeriesWindows>> selectWindows(WindowRequest request);

    /** Label names, sorted, de-duplicated. */
    CompletableFuture<List<String>> labelNames(MetadataRequest request);

    /** Values of {@code request.labelName()}, sorted, de-duplicated. */
    CompletableFuture<List<String>> labelValues(MetadataRequest request);

    /** Label sets of the matching series, de-duplicated. */
    CompletableFuture<List<LabelSet>> series(MetadataRequest request);

    /** Deletes the matching series' samples in the range; answers series touched. */
    CompletableFuture<Long> deleteSeries(MetadataRequest request);

    /** Rewrites storage without the samples tombstones cover; completes with the number of blocks rewritten. */
    CompletableFuture<Long> cleanTombstones();
}
