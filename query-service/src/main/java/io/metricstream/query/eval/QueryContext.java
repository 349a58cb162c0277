package io.metricstream.query.eval;

import io.metricstream.contracts.error.ContractException;
import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.SeriesWindows;
import io.metricstream.contracts.storage.WindowRequest;
import io.metricstream.query.remote.SeriesSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one query's evaluation shares across nested evaluators: the source, the lookback, the top-level
 * {@code start()} / {@code end()} for {@code @}, and the limits (samples, series, deadline). Owned by the thread
 * evaluating the query.
 */
public final class QueryContext {
    private final SeriesSource source;
    private final long lookbackMs;
    private final long queryStartMs;
    private final long queryEndMs;
    private final long maxSamples;
    private final int maxSeries;
    private final long deadlineNanos;
    private final long pushdownMinRangeMs;
    private long samples;
    /** Selects sent ahead ({@link Evaluator#prefetch}) by kind and request, each taken once. */
    private final Map<Prefetch, CompletableFuture<?>> prefetched = new HashMap<>();

    /** A prefetched select: range-vector input or instant samples, and the request as the evaluator asks it. */
    private record Prefetch(Object kind, SelectRequest request) {
    }

    /** Prefetch kind of instant samples. */
    private static final Object SAMPLES = "samples";
    /** Prefetch kind of range-vector input. */
    private static final Object RANGE = "range";

    /** A context; {@code timeoutMs} counts from now; {@code pushdownMinRangeMs} 0 disables pushdown. */
    public QueryContext(final SeriesSource source, final long lookbackMs, final long queryStartMs,
                        final long queryEndMs, final long maxSamples, final int maxSeries, final long timeoutMs,
                        final long pushdownMinRangeMs) {
        this.pushdownMinRangeMs = pushdownMinRangeMs;
        this.source = source;
        this.lookbackMs = lookbackMs;
        this.queryStartMs = queryStartMs;
        this.queryEndMs = queryEndMs;
        this.maxSamples = maxSamples;
        this.maxSeries = maxSeries;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /** The source the query reads (also for per-series work on its threads: {@link SeriesSource#forEachSeries}). */
    public SeriesSource source() {
        return source;
    }

    /** Lookback of instant selectors. */
    public long lookbackMs() {
        return lookbackMs;
    }

    /** Shortest range of a pushed-down {@code <fn>_over_time}; 0 = no pushdown. */
    public long pushdownMinRangeMs() {
        return pushdownMinRangeMs;
    }

    /** The query's start ({@code @ start()}). */
    public long queryStartMs() {
        return queryStartMs;
    }

    /** The query's end ({@code @ end()}). */
    public long queryEndMs() {
        return queryEndMs;
    }

    /** Samples accounted so far. */
    public long samples() {
        return samples;
    }

    /** Accounts {@code n} samples held in memory; fails the query past the limit. */
    public void addSamples(final long n) {
        samples += n;
        if (samples > maxSamples) {
            throw QueryException.execution("query processing would load too many samples into memory in query "
                + "execution (limit " + maxSamples + ")");
        }
    }

    /** Fails the query when its deadline passed. */
    public void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new QueryException(QueryException.Type.TIMEOUT, "query timed out in expression evaluation");
        }
    }

    /** Sends {@code request} now; the next {@link #select} of an equal request takes this answer. */
    public void prefetchSamples(final SelectRequest request) {
        prefetched.putIfAbsent(new Prefetch(SAMPLES, request), source.select(limited(request)));
    }

    /** Sends {@code request} now; the next {@link #selectRange} of an equal request takes this answer. */
    public void prefetchRange(final SelectRequest request) {
        prefetched.putIfAbsent(new Prefetch(RANGE, request), source.selectRange(limited(request)));
    }

    private SelectRequest limited(final SelectRequest request) {
        return new SelectRequest(request.minTimeMs(), request.maxTimeMs(), maxSeries, request.matchers());
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<List<T>> prefetchedOr(final Object kind, final SelectRequest request,
                                                       final Supplier<CompletableFuture<List<T>>> send) {
        final CompletableFuture<?> f = prefetched.isEmpty() ? null : prefetched.remove(new Prefetch(kind, request));
        return f != null ? (CompletableFuture<List<T>>) f : send.get();
    }

    /** Selects from the source, waiting at most until the deadline. */
    public List<SeriesSamples> select(final SelectRequest request) {
        final List<SeriesSamples> out = await(prefetchedOr(SAMPLES, request, () -> source.select(limited(request))));
        long n = 0;
        for (final SeriesSamples s : out) {
            n += s.size();
        }
        addSamples(n);
        return out;
    }

    /** Selects range-vector input (stale markers dropped), waiting at most until the deadline. */
    public List<RangeSeries> selectRange(final SelectRequest request) {
        final List<RangeSeries> out = await(prefetchedOr(RANGE, request, () -> source.selectRange(limited(request))));
        long n = 0;
        for (final RangeSeries s : out) {
            n += s.size();
        }
        addSamples(n);
        return out;
    }

    /** Whether a prefetched answer waits for {@code request} (as range-vector input when {@code range}). */
    public boolean isPrefetched(final boolean range, final SelectRequest request) {
        return !prefetched.isEmpty() && prefetched.containsKey(new Prefetch(range ? RANGE : SAMPLES, request));
    }

    /**
     * Sends {@code request} now with {@code mapper} ({@link SeriesSource#selectRangeMapped}); the next
     * {@link #selectRangeMapped} of an equal {@code kind} and request takes this answer. {@code kind} names what the
     * mapper computes (equal kinds must map alike).
     */
    public <T> void prefetchRangeMapped(final Object kind, final SelectRequest request,
                                        final Function<RangeSeries, T> mapper) {
        prefetched.putIfAbsent(new Prefetch(kind, request), source.selectRangeMapped(limited(request), mapper));
    }

    /**
     * Selects and maps every series where it is decoded ({@link SeriesSource#selectMapped}), waiting at most until
     * the deadline; accounts the selected samples as {@link #select} does.
     */
    public <T> List<SeriesSource.Mapped<T>> selectMapped(final SelectRequest request,
                                                         final SeriesSource.SamplesMapper<T> mapper) {
        return counted(await(source.selectMapped(limited(request), mapper)));
    }

    /**
     * Selects range-vector input and maps every series where it is decoded ({@link SeriesSource#selectRangeMapped}),
     * or takes the answer {@link #prefetchRangeMapped} sent for {@code kind} and {@code request}, waiting at most until
     * the deadline; accounts the selected samples as {@link #selectRange} does.
     */
    public <T> List<SeriesSource.Mapped<T>> selectRangeMapped(final Object kind, final SelectRequest request,
                                                              final Function<RangeSeries, T> mapper) {
        return counted(await(prefetchedOr(kind, request, () -> source.selectRangeMapped(limited(request), mapper))));
    }

    private <T> List<SeriesSource.Mapped<T>> counted(final List<SeriesSource.Mapped<T>> out) {
        long n = 0;
        for (final SeriesSource.Mapped<T> m : out) {
            n += m.samples();
        }
        addSamples(n);
        return out;
    }

    /** Selects pushed-down windows from the source (the series limit applied), waiting at most until the deadline. */
    public List<SeriesWindows> selectWindows(final WindowRequest request) {
        final List<SeriesWindows> out = await(source.selectWindows(new WindowRequest(request.firstEndMs(),
            request.stepMs(), request.stepCount(), request.rangeMs(), request.function(), maxSeries,
            request.matchers())));
        long n = 0;
        for (final SeriesWindows s : out) {
            n += s.size();
        }
        addSamples(n);
        return out;
    }

    private <T> List<T> await(final CompletableFuture<List<T>> f) {
        try {
            final long waitNanos = Math.max(1, deadlineNanos - System.nanoTime());
            final List<T> out = f.get(waitNanos, TimeUnit.NANOSECONDS);
            if (out.size() > maxSeries) {
                throw QueryException.execution("query selects too many series: got " + out.size() + "; limit "
                    + maxSeries + " (query.max_series)");
            }
            return out;
        } catch (final TimeoutException e) {
            f.cancel(false);
            throw new QueryException(QueryException.Type.TIMEOUT, "query timed out in query execution");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(QueryException.Type.TIMEOUT, "query interrupted");
        } catch (final ExecutionException e) {
            throw storageError(e.getCause());
        }
    }

    private QueryException storageError(final Throwable cause) {
        if (cause instanceof ContractException ce && ce.code() == ErrorCode.LIMIT_EXCEEDED) {
            return QueryException.execution("query selects too many series (limit " + maxSeries
                + ", query.max_series): " + ce.getMessage());
        }
        if (cause instanceof QueryException qe) {
            return qe;
        }
        return new QueryException(QueryException.Type.UNAVAILABLE, "storage select failed: " + cause.getMessage());
    }
}
