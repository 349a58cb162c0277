package io.metricstream.query.remote;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.eval.RangeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntConsumer;

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
     * One selected series after a mapping ran on it where it was decoded: its labels (as selected), how many samples
     * it had in the range (stale markers included for {@link #selectMapped}, excluded for {@link #selectRangeMapped})
     * and what the mapping made of them (null: nothing).
     *
     * @param labels the series' labels
     * @param samples samples selected
     * @param value the mapping's result, or null
     * @param <T> the result type
     */
    record Mapped<T>(LabelSet labels, int samples, T value) {
    }

    /** Maps one series' samples; the arrays are scratch, valid during the call only: copy what must outlive it. */
    @FunctionalInterface
    interface SamplesMapper<T> {
        /** Samples {@code [0, n)} in timestamp order, stale markers included; returns the result or null. */
        T map(LabelSet labels, long[] timestamps, double[] values, int n);
    }

    /**
     * Like {@link #select}, with {@code mapper} applied to every series with samples in the range, in any order and on
     * any thread (it must be thread-safe): {@link StorageFanout} runs it on its decoding threads right after decoding a
     * series, from reused arrays, so the samples never travel as {@link SeriesSamples}. One entry per series
     * {@link #select} would answer, in its order. The default maps {@link #select}'s answer.
     */
    default <T> CompletableFuture<List<Mapped<T>>> selectMapped(final SelectRequest request,
                                                               final SamplesMapper<T> mapper) {
        return select(request).thenApply(all -> mapSamples(all, mapper));
    }

    /**
     * Like {@link #selectRange}, with {@code mapper} applied to every range series (whose arrays may be reused after
     * the call: it must not keep them), in any order and on any thread (it must be thread-safe). {@link StorageFanout}
     * runs it on its decoding threads right after decoding a series. One entry per series {@link #selectRange} would
     * answer, in its order.
     */
    default <T> CompletableFuture<List<Mapped<T>>> selectRangeMapped(final SelectRequest request,
                                                                    final Function<RangeSeries, T> mapper) {
        return selectRange(request).thenApply(all -> mapRanges(all, mapper));
    }

    /** {@code mapper} over each range series, in order (one entry per series, as the list had). */
    static <T> List<Mapped<T>> mapRanges(final List<RangeSeries> all, final Function<RangeSeries, T> mapper) {
        final List<Mapped<T>> out = new ArrayList<>(all.size());
        for (final RangeSeries s : all) {
            out.add(new Mapped<>(s.labels(), s.size(), mapper.apply(s)));
        }
        return out;
    }

    /** {@code mapper} over each series, in order (one entry per series, as the list had). */
    static <T> List<Mapped<T>> mapSamples(final List<SeriesSamples> all, final SamplesMapper<T> mapper) {
        final List<Mapped<T>> out = new ArrayList<>(all.size());
        for (final SeriesSamples s : all) {
            out.add(new Mapped<>(s.labels(), s.size(), mapper.map(s.labels(), s.timestamps(), s.values(),
                s.size())));
        }
        return out;
    }

    /**
     * Runs {@code body} for every series index in [0, n), on threads of the source's own where it has them (the
     * decoding threads), else on the caller; returns when all ran. For a query's CPU work per series.
     */
    default void forEachSeries(final int n, final IntConsumer body) {
        for (int i = 0; i < n; i++) {
            body.accept(i);
        }
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
