package io.metricstream.query.remote;

import io.metricstream.contracts.chunk.ChunkReader;
import io.metricstream.contracts.storage.SelectRequest;
import io.metricstream.contracts.storage.SeriesChunks;
import io.metricstream.contracts.storage.SeriesSamples;
import io.metricstream.contracts.storage.StorageClient;
import io.metricstream.query.eval.RangeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Decodes SELECT_CHUNKS answers ({@link SeriesChunks#decode}) on a bounded pool of its own threads, never on the
 * event loop that received them. An answer is cut into at most one slice per thread, balanced by chunk bytes
 * (decode time is about linear in them), and each slice runs on one thread with that thread's
 * {@link ChunkReader} (readers are not thread-safe). The output keeps the input order. Thread-safe.
 *
 * <p>Design note: answers under {@link #SLICE_MIN_BYTES} are decoded as one task: below ~64 KiB of chunks (about
 * 40k samples, ~0.2 ms) handing work to a second thread costs about as much as it saves.
 */
public final class ChunkDecoder implements AutoCloseable {
    /** Smallest chunk bytes per slice worth a thread of its own. */
    static final long SLICE_MIN_BYTES = 64 << 10;
    /**
     * The same for decodes mapped per series by a range function ({@link #streamRangesMapped}): the mapping costs
     * about as much as the decoding (rate) or up to twice (avg_over_time over short windows; Q2's 10 series, 82 KiB,
     * were decoded and averaged on one thread), so half the bytes are worth a thread.
     */
    static final long MAPPED_SLICE_MIN_BYTES = SLICE_MIN_BYTES / 2;

    private final ExecutorService pool;
    private final int threads;
    /** One reader per pool thread. */
    private final ThreadLocal<ChunkReader> readers = ThreadLocal.withInitial(ChunkReader::new);
    /**
     * Reused sample arrays per pool thread, for mapped decodes (the samples do not outlive the mapping); replaced by
     * {@link #renewScratches}.
     */
    private volatile ThreadLocal<RangeDecoding.Scratch> scratches =
        ThreadLocal.withInitial(RangeDecoding.Scratch::new);

    /**
     * A decoder with {@code threads} daemon threads (started on demand, then kept: a thread that timed out took its
     * grown reader and scratch arrays with it, so the next query after an idle spell — a dashboard refreshing every
     * 30 s or more — paid new threads, reallocated arrays and cold caches; measured as part of the first-query gap).
     */
    public ChunkDecoder(final int threads) {
        this.threads = Math.max(1, threads);
        final AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(this.threads, this.threads, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, "query-decode-" + ids.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    }

    /** The decoding pool, also for other per-answer work that must stay off the event loops. */
    public Executor executor() {
        return pool;
    }

    /**
     * Gives every thread new, empty scratch arrays from its next mapped decode on. For the warm-up, once per round:
     * each round then grows them ({@code RangeDecoding.Scratch.ensure}), so C2 compiles the growth from the rounds'
     * profile. Grown once, in the first round, that branch was compiled as never taken and a user's first series
     * longer than the warm-up's (a day at 15 s: 5,761 samples, against 1,441) trapped there (session 8 JIT logs).
     */
    public void renewScratches() {
        scratches = ThreadLocal.withInitial(RangeDecoding.Scratch::new);
    }

    /** Decoding threads. */
    public int threads() {
        return threads;
    }

    /**
     * The samples in [minTimeMs, maxTimeMs] of every series that has any there, in input order. Fails with
     * {@link io.metricstream.contracts.chunk.ChunkCorruptException} when a chunk is malformed.
     */
    public CompletableFuture<List<SeriesSamples>> decode(final List<SeriesChunks> series, final long minTimeMs,
                                                         final long maxTimeMs) {
        return decodeEach(series, (s, reader) -> s.decode(minTimeMs, maxTimeMs, reader), s -> s.size() > 0,
            SLICE_MIN_BYTES);
    }

    /**
     * Like {@link #decode}, but as range-vector input: stale markers dropped and {@link RangeSeries#mayReset()}
     * found in the same pass ({@link RangeDecoding}), on the decoding threads rather than the query's.
     */
    public CompletableFuture<List<RangeSeries>> decodeRanges(final List<SeriesChunks> series, final long minTimeMs,
                                                             final long maxTimeMs) {
        return decodeEach(series, (s, reader) -> RangeDecoding.decode(s, minTimeMs, maxTimeMs, reader),
            s -> s.size() > 0, SLICE_MIN_BYTES);
    }

    /**
     * Like {@link #decodeRanges}, with {@code mapper} applied to each range series right after it was decoded, on the
     * same thread and from that thread's reused arrays (no per-series sample arrays are allocated): work per series
     * then runs on the decoding threads, while its samples are still in cache.
     */
    public <T> CompletableFuture<List<SeriesSource.Mapped<T>>> decodeRangesMapped(
        final List<SeriesChunks> series, final long minTimeMs, final long maxTimeMs,
        final Function<RangeSeries, T> mapper) {
        return decodeEach(series, (s, reader) -> {
            final RangeSeries r = RangeDecoding.decode(s, minTimeMs, maxTimeMs, reader, scratches.get());
            return new SeriesSource.Mapped<>(s.labels(), r.size(), r.size() > 0 ? mapper.apply(r) : null);
        }, m -> m.samples() > 0, MAPPED_SLICE_MIN_BYTES);
    }

    /**
     * Like {@link #decode}, with {@code mapper} applied to each series' samples (stale markers included) right after
     * they were decoded, on the same thread and from that thread's reused arrays.
     */
    public <T> CompletableFuture<List<SeriesSource.Mapped<T>>> decodeMapped(
        final List<SeriesChunks> series, final long minTimeMs, final long maxTimeMs,
        final SeriesSource.SamplesMapper<T> mapper) {
        return decodeEach(series, (s, reader) -> RangeDecoding.decodeSamples(s, minTimeMs, maxTimeMs, reader,
            scratches.get(), mapper), m -> m.samples() > 0, SLICE_MIN_BYTES);
    }

    /**
     * A streamed {@link #decodeRanges}: feed it the batches of {@link StorageClient#selectChunks(SelectRequest,
     * java.util.function.Consumer)}, then take {@link Streamed#result()} once the select completed.
     */
    public Streamed<RangeSeries> streamRanges(final long minTimeMs, final long maxTimeMs) {
        return new Streamed<>((s, reader) -> RangeDecoding.decode(s, minTimeMs, maxTimeMs, reader), s -> s.size() > 0,
            SLICE_MIN_BYTES);
    }

    /** A streamed {@link #decodeRangesMapped} (see {@link #streamRanges}). */
    public <T> Streamed<SeriesSource.Mapped<T>> streamRangesMapped(final long minTimeMs, final long maxTimeMs,
                                                                   final Function<RangeSeries, T> mapper) {
        return new Streamed<>((s, reader) -> {
            final RangeSeries r = RangeDecoding.decode(s, minTimeMs, maxTimeMs, reader, scratches.get());
            return new SeriesSource.Mapped<>(s.labels(), r.size(), r.size() > 0 ? mapper.apply(r) : null);
        }, m -> m.samples() > 0, MAPPED_SLICE_MIN_BYTES);
    }

    /** A streamed {@link #decodeMapped} (see {@link #streamRanges}). */
    public <T> Streamed<SeriesSource.Mapped<T>> streamMapped(final long minTimeMs, final long maxTimeMs,
                                                             final SeriesSource.SamplesMapper<T> mapper) {
        return new Streamed<>((s, reader) -> RangeDecoding.decodeSamples(s, minTimeMs, maxTimeMs, reader,
            scratches.get(), mapper), m -> m.samples() > 0, SLICE_MIN_BYTES);
    }

    /**
     * Decodes a SELECT_CHUNKS answer batch by batch as its frames arrive: each batch is sliced over the threads at
     * once, so decoding overlaps storage's select and the transfer (a whole answer used to arrive before its first
     * series was decoded). {@link #accept} is called by one thread at a time (the connection's event loop);
     * {@link #result} once, after the last batch, from a thread that the select's completion ordered after it.
     *
     * @param <T> what one series decodes to
     */
    public final class Streamed<T> implements Consumer<List<SeriesChunks>> {
        private final BiFunction<SeriesChunks, ChunkReader, T> one;
        private final Predicate<T> keep;
        private final long sliceMinBytes;
        private final List<CompletableFuture<List<T>>> batches = new ArrayList<>();

        Streamed(final BiFunction<SeriesChunks, ChunkReader, T> one, final Predicate<T> keep,
                 final long sliceMinBytes) {
            this.one = one;
            this.keep = keep;
            this.sliceMinBytes = sliceMinBytes;
        }

        @Override
        public void accept(final List<SeriesChunks> batch) {
            batches.add(decodeEach(batch, one, keep, sliceMinBytes));
        }

        /** Every batch's output, in answer order; fails when a chunk is malformed. */
        public CompletableFuture<List<T>> result() {
            if (batches.size() == 1) {
                return batches.getFirst();
            }
            return CompletableFuture.allOf(batches.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                final List<T> out = new ArrayList<>();
                for (final CompletableFuture<List<T>> b : batches) {
                    out.addAll(b.join());
                }
                return out;
            });
        }
    }

    private <T> CompletableFuture<List<T>> decodeEach(final List<SeriesChunks> series,
                                                      final BiFunction<SeriesChunks, ChunkReader, T> one,
                                                      final Predicate<T> keep, final long sliceMinBytes) {
        final int n = series.size();
        if (n == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        final long[] endBytes = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            for (final byte[] c : series.get(i).chunks()) {
                total += c.length;
            }
            endBytes[i] = total;
        }
        final int slices = (int) Math.max(1, Math.min(Math.min(threads, n), total / sliceMinBytes));
        final Object[] out = new Object[n];
        final CompletableFuture<?>[] parts = new CompletableFuture<?>[slices];
        int from = 0;
        for (int k = 0; k < slices; k++) {
            final long goal = total * (k + 1) / slices;
            int to = from;
            while (to < n && (endBytes[to] <= goal || to == from)) {
                to++;
            }
            if (k == slices - 1) {
                to = n;
            }
            final int lo = from;
            final int hi = to;
            parts[k] = CompletableFuture.runAsync(() -> {
                final ChunkReader reader = readers.get();
                for (int i = lo; i < hi; i++) {
                    out[i] = one.apply(series.get(i), reader);
                }
            }, pool);
            from = to;
        }
        return CompletableFuture.allOf(parts).thenApply(ignored -> kept(out, keep));
    }

    /**
     * Runs {@code body} for every index in [0, n), cut into contiguous slices: one per decoding thread and one on the
     * caller, which then waits for the rest. For per-series work of a query on threads the service started and the
     * warm-up compiled (a parallel stream ran it on the common fork-join pool: threads started on demand, cold,
     * and shared with anything else in the JVM). The caller must not be one of the decoding threads.
     */
    public void forEach(final int n, final IntConsumer body) {
        final int slices = Math.min(n, threads + 1);
        if (slices <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        final CompletableFuture<?>[] parts = new CompletableFuture<?>[slices - 1];
        for (int k = 0; k < slices - 1; k++) {
            final int lo = (int) ((long) n * k / slices);
            final int hi = (int) ((long) n * (k + 1) / slices);
            parts[k] = CompletableFuture.runAsync(() -> {
                for (int i = lo; i < hi; i++) {
                    body.accept(i);
                }
            }, pool);
        }
        for (int i = (int) ((long) n * (slices - 1) / slices); i < n; i++) {
            body.accept(i);
        }
        try {
            CompletableFuture.allOf(parts).join();
        } catch (final CompletionException e) {
            // the slice's own exception, as if it had run on the caller (a QueryException keeps its status)
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /** Series whose chunks overlap the range but hold no sample inside it are left out, as SELECT leaves them. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> kept(final Object[] decoded, final Predicate<T> keep) {
        final List<T> out = new ArrayList<>(decoded.length);
        for (final Object o : decoded) {
            final T s = (T) o;
            if (keep.test(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
