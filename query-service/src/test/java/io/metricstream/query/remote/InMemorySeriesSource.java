package io.metricstream.query.remote;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.storage.LabelMatcher;
import io.metricstream.contracts.storage.MetadataRequest;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A storage fake: series held in memory as primitive arrays, answering the same {@link SeriesSource} calls as the
 * fan-out with the storage protocol's semantics (inclusive ranges, anchored regexes, absent label = ""). Append
 * samples in timestamp order per series. Thread-safe for reads after loading.
 */
public final class InMemorySeriesSource implements SeriesSource {
    private final Map<LabelSet, Series> series = new LinkedHashMap<>();
    /** Series by metric name: the fake's only "postings", so name selections skip unrelated series. */
    private final Map<String, List<LabelSet>> byName = new java.util.HashMap<>();
    private final AtomicInteger selects = new AtomicInteger();
    private final AtomicInteger windowSelects = new AtomicInteger();
    /** Where {@link #forEachSeries} runs, as the fan-out's decoder does; null: on the caller. */
    private volatile ChunkDecoder perSeries;

    private static final class Series {
        long[] ts = new long[16];
        double[] vs = new double[16];
        int size;
    }

    /** Per-series work ({@link #forEachSeries}) on {@code decoder}'s threads and the caller, as the fan-out runs it. */
    public InMemorySeriesSource runPerSeriesOn(final ChunkDecoder decoder) {
        perSeries = decoder;
        return this;
    }

    @Override
    public void forEachSeries(final int n, final IntConsumer body) {
        final ChunkDecoder d = perSeries;
        if (d == null) {
            SeriesSource.super.forEachSeries(n, body);
        } else {
            d.forEach(n, body);
        }
    }

    /** Appends one sample (timestamps ascending per series). */
    public synchronized void add(final LabelSet labels, final long tsMs, final double value) {
        final Series s = series.computeIfAbsent(labels, k -> {
            byName.computeIfAbsent(String.valueOf(k.metricName()), n -> new ArrayList<>()).add(k);
            return new Series();
        });
        if (s.size == s.ts.length) {
            s.ts = Arrays.copyOf(s.ts, s.size * 2);
            s.vs = Arrays.copyOf(s.vs, s.size * 2);
        }
        s.ts[s.size] = tsMs;
        s.vs[s.size++] = value;
    }

    /** Number of select calls answered. */
    public int selects() {
        return selects.get();
    }

    /** Number of selectWindows calls answered. */
    public int windowSelects() {
        return windowSelects.get();
    }

    /** Number of series. */
    public synchronized int seriesCount() {
        return series.size();
    }

    private static boolean matches(final LabelSet labels, final List<LabelMatcher> matchers) {
        for (final LabelMatcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized CompletableFuture<List<SeriesSamples>> select(final SelectRequest request) {
        selects.incrementAndGet();
        final List<SeriesSamples> out = new ArrayList<>();
        for (final LabelSet labels : candidates(request.matchers())) {
            if (!matches(labels, request.matchers())) {
                continue;
            }
            final Series s = series.get(labels);
            int lo = Arrays.binarySearch(s.ts, 0, s.size, request.minTimeMs());
            lo = lo < 0 ? -lo - 1 : lo;
            int hi = Arrays.binarySearch(s.ts, 0, s.size, request.maxTimeMs());
            hi = hi < 0 ? -hi - 1 : hi + 1;
            if (hi <= lo) {
                continue;
            }
            out.add(new SeriesSamples(labels, Arrays.copyOfRange(s.ts, lo, hi), Arrays.copyOfRange(s.vs, lo, hi)));
            if (request.maxSeries() > 0 && out.size() > request.maxSeries()) {
                return CompletableFuture.failedFuture(new ContractException(ErrorCode.LIMIT_EXCEEDED,
                    "more than " + request.maxSeries() + " series match"));
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    /** Windows computed from the raw samples with WindowFunction.over, as storage does for raw data. */
    @Override
    public synchronized CompletableFuture<List<SeriesWindows>> selectWindows(final WindowRequest request) {
        windowSelects.incrementAndGet();
        final CompletableFuture<List<SeriesSamples>> raw = select(new SelectRequest(request.minTimeMs(),
            request.maxTimeMs(), request.maxSeries(), request.matchers()));
        selects.decrementAndGet();
        return raw.thenApply(samples -> RawWindows.compute(samples, request));
    }

    /** Label sets of the series matching every matcher (no samples copied). */
    public synchronized List<LabelSet> matchingLabels(final List<LabelMatcher> matchers) {
        final List<LabelSet> out = new ArrayList<>();
        for (final LabelSet labels : candidates(matchers)) {
            if (matches(labels, matchers)) {
                out.add(labels);
            }
        }
        return out;
    }

    /** Every sample of one series (copied). */
    public synchronized SeriesSamples whole(final LabelSet labels) {
        final Series s = series.get(labels);
        return new SeriesSamples(labels, Arrays.copyOf(s.ts, s.size), Arrays.copyOf(s.vs, s.size));
    }

    private Iterable<LabelSet> candidates(final List<LabelMatcher> matchers) {
        for (final LabelMatcher m : matchers) {
            if (m.type() == LabelMatcher.Type.EQ && m.name().equals("__name__")) {
                return byName.getOrDefault(m.value(), List.of());
            }
        }
        return series.keySet();
    }

    private List<LabelSet> matching(final MetadataRequest r) {
        final List<LabelSet> out = new ArrayList<>();
        for (final Map.Entry<LabelSet, Series> e : series.entrySet()) {
            final Series s = e.getValue();
            boolean inRange = false;
            for (int i = 0; i < s.size && !inRange; i++) {
                inRange = s.ts[i] >= r.minTimeMs() && s.ts[i] <= r.maxTimeMs();
            }
            if (inRange && matches(e.getKey(), r.matchers())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    @Override
    public synchronized CompletableFuture<List<String>> labelNames(final MetadataRequest request) {
        final TreeSet<String> names = new TreeSet<>();
        for (final LabelSet l : matching(request)) {
            for (int i = 0; i < l.size(); i++) {
                names.add(l.name(i));
            }
        }
        return CompletableFuture.completedFuture(List.copyOf(names));
    }

    @Override
    public synchronized CompletableFuture<List<String>> labelValues(final MetadataRequest request) {
        final TreeSet<String> values = new TreeSet<>();
        for (final LabelSet l : matching(request)) {
            final String v = l.get(request.labelName());
            if (v != null) {
                values.add(v);
            }
        }
        return CompletableFuture.completedFuture(List.copyOf(values));
    }

    @Override
    public synchronized CompletableFuture<List<LabelSet>> series(final MetadataRequest request) {
        return CompletableFuture.completedFuture(matching(request));
    }

    @Override
    public CompletableFuture<Long> cleanTombstones() {
        return CompletableFuture.completedFuture(0L); // deletions are applied at once here: nothing to rewrite
    }

    @Override
    public synchronized CompletableFuture<Long> deleteSeries(final MetadataRequest request) {
        long touched = 0;
        for (final LabelSet l : matching(request)) {
            final Series s = series.get(l);
            int n = 0;
            for (int i = 0; i < s.size; i++) {
                if (s.ts[i] < request.minTimeMs() || s.ts[i] > request.maxTimeMs()) {
                    s.ts[n] = s.ts[i];
                    s.vs[n++] = s.vs[i];
                }
            }
            s.size = n;
            touched++;
        }
        return CompletableFuture.completedFuture(touched);
    }
}
